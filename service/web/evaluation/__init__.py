"""The evaluation pages: answering a survey, the rounds of a policy, its indicators and measurements."""

from __future__ import annotations

from fastapi import APIRouter

from service.web.evaluation import followup, indicators, publication, rounds, survey

router = APIRouter()
for _module in (survey, rounds, publication, indicators, followup):
    router.include_router(_module.router)
