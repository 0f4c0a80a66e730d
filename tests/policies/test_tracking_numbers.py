"""Tracking numbers: their shape, no look-alike characters, forgiving of how a person types them."""

from __future__ import annotations

import re

from policies.consultation.tracking_numbers import ALPHABET, new_tracking_number, normalize

SHAPE = re.compile(r"^SKL-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}$")


def test_numbers_have_the_shape_and_no_look_alikes() -> None:
    drawn = {new_tracking_number() for _ in range(2000)}
    assert len(drawn) == 2000  # not a sequence, and no repeat in a few thousand
    assert all(SHAPE.match(n) for n in drawn)
    assert not set("01ILOUV") & set(ALPHABET)


def test_typed_numbers_are_normalized() -> None:
    assert normalize("skl-7k3m-q9px") == "SKL-7K3M-Q9PX"
    assert normalize(" SKL 7K3M Q9PX ") == "SKL-7K3M-Q9PX"
    assert normalize("7k3mq9px") == "SKL-7K3M-Q9PX"
    assert normalize("SKL-7K3M-Q9P") is None  # too short
    assert normalize("SKL-7K3M-Q9P0") is None  # 0 is never used
    assert normalize("") is None
