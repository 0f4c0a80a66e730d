"""The evaluation pages: answering a survey, the rounds of a policy, its indicators and measurements."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.evaluation import followup, indicators, rounds, survey

router = APIRouter()
for _module in (survey, rounds, indicators, followup):
    router.include_router(_module.router)
