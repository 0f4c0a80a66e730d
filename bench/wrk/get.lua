-- GET the paths listed in $SIKLUS_WRK_PARAMS (one a line) in turn, with an optional cookie.
-- Lines: "path /x", "cookie name=value", "header Name: value".
dofile(os.getenv("SIKLUS_WRK_DIR") .. "/report.lua")

local paths, headers = {}, {}
for line in io.lines(os.getenv("SIKLUS_WRK_PARAMS")) do
  local kind, value = line:match("^(%S+) (.*)$")
  if kind == "path" then
    paths[#paths + 1] = value
  elseif kind == "cookie" then
    headers["Cookie"] = value
  elseif kind == "header" then
    local name, v = value:match("^([^:]+):%s*(.*)$")
    headers[name] = v
  end
end

local n = 0
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], headers)
end
