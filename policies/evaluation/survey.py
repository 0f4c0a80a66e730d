"""The survey template of a policy kind and the validation of one answer sheet."""

from __future__ import annotations

from typing import Any

from policies.core.errors import InvalidInput
from policies.core.fields import clean_text
from policies.evaluation.ikm import UNSUR
from policies.lifecycle.models import PolicyKind

GOLONGAN = ("I", "II", "III", "IV", "PPPK")
GOLONGAN_EN = ("I", "II", "III", "IV", "PPPK (contract)")
MAX_YEARS_OF_SERVICE = 50
MAX_TEXT = 4000

PROFILE: tuple[dict[str, Any], ...] = (
    {
        "code": "unit",
        "group": "profile",
        "type": "text",
        "required": True,
        "max_length": 200,
        "text": "Unit kerja Anda",
        "text_en": "Your work unit",
        "options": [],
        "options_en": [],
    },
    {
        "code": "golongan",
        "group": "profile",
        "type": "single",
        "required": True,
        "text": "Golongan/ruang Anda",
        "text_en": "Your civil-service rank (golongan)",
        "options": list(GOLONGAN),
        "options_en": list(GOLONGAN_EN),
    },
    {
        "code": "years_of_service",
        "group": "profile",
        "type": "number",
        "required": True,
        "min": 0,
        "max": MAX_YEARS_OF_SERVICE,
        "text": "Masa kerja Anda (tahun)",
        "text_en": "Your years of service",
        "options": [],
        "options_en": [],
    },
)


def template_for(kind: PolicyKind) -> list[dict[str, Any]]:
    """Return the question set of a kind: the nine unsur, the kind's own questions, the profile."""
    questions: list[dict[str, Any]] = [
        {
            "code": u.code,
            "group": "unsur",
            "type": "scale",
            "required": True,
            "name": u.name,
            "name_en": u.name_en,
            "text": u.text,
            "text_en": u.text_en,
            "options": list(u.options),
            "options_en": list(u.options_en),
        }
        for u in UNSUR
    ]
    for q in kind.survey_questions:
        questions.append(
            {
                "code": q["code"],
                "group": "kind",
                "type": q["type"],
                # Free text and "tick all that apply" may be left empty; scales and choices not.
                "required": q["type"] in ("scale", "single"),
                "text": q["text"],
                "text_en": q.get("text_en", ""),
                "options": list(q.get("options", [])),
                "options_en": list(q.get("options_en", [])),
            }
        )
    questions.extend(dict(p) for p in PROFILE)
    return questions


Problem = tuple[str, str]  # (Indonesian, English)


def _check(question: dict[str, Any], value: Any) -> tuple[Any, Problem | None]:
    kind, options = question["type"], question["options"]
    label, label_en = question["text"], question.get("text_en") or question["text"]
    if kind == "scale":
        if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 2, 3, 4):
            return None, (f"'{label}' harus dijawab dengan angka 1–4.", f"'{label_en}' takes a number 1–4.")
        return value, None
    if kind == "single":
        if value not in options:
            listed = ", ".join(options)
            return None, (
                f"'{label}': pilih salah satu dari {listed}.",
                f"'{label_en}': choose one of {listed}.",
            )
        return value, None
    if kind == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, (f"'{label}' harus berupa daftar pilihan.", f"'{label_en}' takes a list of options.")
        unknown = ", ".join(v for v in value if v not in options)
        if unknown:
            return None, (
                f"'{label}': pilihan tidak dikenal: {unknown}.",
                f"'{label_en}': unknown options: {unknown}.",
            )
        return sorted(set(value), key=options.index), None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_YEARS_OF_SERVICE:
            return None, (
                f"'{label}' harus bilangan bulat 0–{MAX_YEARS_OF_SERVICE}.",
                f"'{label_en}' takes a whole number 0–{MAX_YEARS_OF_SERVICE}.",
            )
        return value, None
    if not isinstance(value, str):
        return None, (f"'{label}' harus berupa teks.", f"'{label_en}' takes text.")
    longest = question.get("max_length", MAX_TEXT)
    try:
        # Every answer is collected, not only the first: the refusal becomes one of the problems.
        value = clean_text(
            value, field=question["code"], label=f"'{label}'", label_en=f"'{label_en}'", max_chars=longest
        )
    except InvalidInput as exc:
        return None, (exc.detail, exc.detail_en)
    return value, None


def validate_answers(
    questions: list[dict[str, Any]], *, payload: dict[str, Any], default_unit: str = ""
) -> dict[str, Any]:
    """Return the cleaned answers, or raise InvalidInput naming every question at fault."""
    if not isinstance(payload, dict):
        raise InvalidInput(
            "Jawaban harus berupa objek {kode_pertanyaan: jawaban}.",
            en="Answers are an object {question_code: answer}.",
            field="answers",
        )
    known = {q["code"] for q in questions}
    errors: list[tuple[str, Problem]] = [
        (code, (f"Pertanyaan '{code}' tidak ada dalam survei ini.", f"This survey has no question '{code}'."))
        for code in payload
        if code not in known
    ]
    cleaned: dict[str, Any] = {}
    for q in questions:
        value = payload.get(q["code"])
        if q["code"] == "unit" and (value is None or value == "") and default_unit:
            value = default_unit
        if value is None or value == "" or value == []:
            if q["required"]:
                label_en = q.get("text_en") or q["text"]
                errors.append(
                    (q["code"], (f"'{q['text']}' wajib dijawab.", f"'{label_en}' must be answered."))
                )
            continue
        good, problem = _check(q, value)
        if problem:
            errors.append((q["code"], problem))
        elif good not in ("", []):
            cleaned[q["code"]] = good
    if errors:
        raise InvalidInput(
            "Jawaban belum lengkap atau tidak valid: " + " ".join(m for _, (m, _en) in errors),
            en="Some answers are missing or invalid: " + " ".join(en for _, (_m, en) in errors),
            field=errors[0][0],
            questions=[c for c, _ in errors],
        )
    return cleaned
