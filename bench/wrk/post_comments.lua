-- POST comments as many accounts: each request its own Idempotency-Key, one in five a copy of a
-- campaign letter (one in twenty word for word, the rest near-identical), the rest distinct.
-- $SIKLUS_WRK_PARAMS lines: "path /api/v1/…/comments", "run <id>", "token <bearer>", "clause <key>",
-- "letter <text>", "word <w>".
dofile(os.getenv("SIKLUS_WRK_DIR") .. "/report.lua")

local path, run, letter = nil, nil, nil
local tokens, clauses, words = {}, {}, {}
for line in io.lines(os.getenv("SIKLUS_WRK_PARAMS")) do
  local kind, value = line:match("^(%S+) (.*)$")
  if kind == "path" then path = value
  elseif kind == "run" then run = value
  elseif kind == "letter" then letter = value
  elseif kind == "token" then tokens[#tokens + 1] = value
  elseif kind == "clause" then clauses[#clauses + 1] = value
  elseif kind == "word" then words[#words + 1] = value
  end
end

tid = 0  -- set per thread by setup()
local counter = 0
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

function init(args)
  math.randomseed(os.time() + tid * 7919)
end

-- Random words: two such comments share no three-word shingle but by chance, so they stay apart
-- (a rotation of the word list would make every "distinct" comment a near-copy of another).
local function distinct(i)
  local out = {}
  for k = 1, 25 do
    out[k] = words[math.random(#words)]
  end
  return table.concat(out, " ") .. " " .. i
end

function request()
  counter = counter + 1
  local i = counter
  local body
  if i % 20 == 0 then
    body = letter
  elseif i % 5 == 0 then
    body = letter .. " " .. words[(i % #words) + 1] .. " " .. i
  else
    body = distinct(i)
  end
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[(i % #tokens) + 1],
    ["Idempotency-Key"] = run .. "-" .. tid .. "-" .. i,
  }
  local json = '{"clause_key": "' .. clauses[(i % #clauses) + 1] .. '", "body": "' .. body ..
    '", "stance": "for"}'
  return wrk.format("POST", path, headers, json)
end
