"""Flags: a reader reports a comment to the moderators with a reason; the moderators list them."""

from __future__ import annotations

import pytest

from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation.moderation import flag_comment, flagged_queue
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation


def test_flags_reach_the_moderators_with_their_reasons(db: str, catalog: None) -> None:
    open_consultation(db)
    key = clause_keys(db)[0]
    budi = account(db, email="budi@asn.test", group="asn")
    sari = account(db, email="sari@warga.test")
    ani = account(db, email="ani@warga.test")
    moderator = account(db, email="mod@bkpsdm.test", role=Role.MODERATOR)
    with unit_of_work(db) as s:
        cid = comments.create_comment(
            s, actor=budi, slug=SLUG, clause_key=key, body="Iklan obat.", now=LATER
        ).id
        other = comments.create_comment(s, actor=budi, slug=SLUG, clause_key=key, body="Baik.", now=LATER).id
    with unit_of_work(db) as s:
        flag_comment(s, actor=sari, slug=SLUG, comment_id=cid, reason="Spam")
        flag_comment(s, actor=ani, slug=SLUG, comment_id=cid, reason="Promosi")
        flag_comment(s, actor=sari, slug=SLUG, comment_id=cid, reason="Spam iklan")  # again: the new reason
        with pytest.raises(InvalidInput) as blank:
            flag_comment(s, actor=ani, slug=SLUG, comment_id=other, reason="  ")
        assert blank.value.field == "reason"
        with pytest.raises(NotAuthenticated):
            flag_comment(s, actor=None, slug=SLUG, comment_id=other, reason="Spam")
    with unit_of_work(db) as s:
        with pytest.raises(PermissionDenied):
            flagged_queue(s, actor=sari)
        page = flagged_queue(s, actor=moderator)
        assert [(i.id, i.flags) for i in page.items] == [(cid, ("Spam iklan", "Promosi"))]
        comments.set_hidden(s, actor=moderator, slug=SLUG, comment_id=cid, hidden=True, reason="Iklan")
    with unit_of_work(db) as s:
        # Once hidden it leaves the flagged list, and nobody can flag it again.
        assert flagged_queue(s, actor=moderator).items == []
        with pytest.raises(Conflict):
            flag_comment(s, actor=ani, slug=SLUG, comment_id=cid, reason="Spam")
