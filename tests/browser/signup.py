"""Signing up in the browser: a real SMTP server (aiosmtpd) receives the verification email."""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

from playwright.sync_api import Page, expect

from flows.delivery import deliver_due_emails
from policies.core.settings import Settings


class Mailbox:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def link_to(self, address: str) -> str:
        """Return the verification link of the last message to `address`."""
        mine = [m for m in self.messages if m["To"] == address]
        assert mine, f"no email to {address}"
        body = mine[-1].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        found = re.search(r"http\S+/verify-email\?token=\S+", body)
        assert found, body
        return found.group(0)


def register_and_verify(page: Page, mailbox: tuple[Mailbox, Settings], *, name: str, address: str) -> None:
    """Sign up on the pages, open the emailed link, verify with its button, then log in on the pages."""
    handler, mail = mailbox
    page.goto("/register")
    page.get_by_label("Nama lengkap").fill(name)
    page.get_by_label("Email").fill(address)
    page.get_by_label("Kata sandi (minimal 8 karakter)").fill("rahasia-sari-1")
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa email Anda")
    expect(page.get_by_role("status")).to_contain_text(address)
    # What the sweeps' delivery step does every few minutes, done now: the message goes out by SMTP.
    assert deliver_due_emails(settings=mail).sent >= 1
    page.goto(handler.link_to(address))
    page.get_by_role("button", name="Verifikasi email saya").click()
    expect(page.get_by_role("status")).to_contain_text("sudah terverifikasi")
    page.get_by_role("link", name="Masuk").first.click()
    page.get_by_label("Email").fill(address)
    page.get_by_label("Kata sandi").fill("rahasia-sari-1")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name=re.compile("Keluar"))).to_be_visible()
