"""Words of the consultation report in Bahasa Indonesia and English (the templates format them)."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, dict[str, Any]] = {
    "id": {
        "locale": "id",
        "title": "Laporan konsultasi publik",
        "draft": "DRAF — laporan ini belum diterbitkan. Hanya perancang unit pemrakarsa dan admin yang "
        "dapat melihatnya; setelah diterbitkan, laporan terbuka untuk semua orang.",
        "intro": "Versi {n} dikonsultasikan dari {start} sampai {end}. Laporan ini disusun {on} sebagai "
        "jawaban kepada setiap pemberi masukan (UU 13/2022 Pasal 96).",
        "summary": "Ringkasan",
        "count": "Jumlah",
        "comments": "Masukan",
        "answered": "Sudah diberi tindak lanjut",
        "unanswered": "Belum diberi tindak lanjut",
        "hidden": "Disembunyikan moderator",
        "replies": "Balasan",
        "campaigns": "Kelompok kampanye",
        "by_outcome": "Tindak lanjut",
        "by_stance": "Sikap",
        "by_group": "Kelompok",
        "campaign": "Kampanye",
        "campaign_lower": "kampanye",
        "similar": "{n} masukan serupa.",
        "no_comments": "Tidak ada masukan pada pasal ini.",
        "comment": "Masukan",
        "stance": "Sikap",
        "replies_n": "{n} balasan",
        "answer": "Tindak lanjut",
        "becomes": "menjadi {key} pada versi berikutnya",
        "no_answer": "Tindak lanjut: belum ada.",
        "hidden_note": "disembunyikan oleh moderator",
        "outcomes": {
            "accepted": "Diterima",
            "partly": "Diterima sebagian",
            "not_accepted": "Tidak diterima",
            "noted": "Dicatat",
        },
        "stances": {"for": "Mendukung", "neutral": "Netral", "against": "Menolak"},
        "groups": {
            "asn": "ASN",
            "union": "Serikat pekerja / KORPRI",
            "academic": "Akademisi",
            "public": "Masyarakat umum",
        },
    },
    "en": {
        "locale": "en",
        "title": "Public consultation report",
        "draft": "DRAFT — this report is not published yet. Only the drafters of the owning unit and "
        "admins can see it; once published, it is open to everyone.",
        "intro": "Version {n} was open for public consultation from {start} to {end}. This report was "
        "prepared on {on} as the answer owed to everyone who commented (UU 13/2022 Article 96).",
        "summary": "Summary",
        "count": "Count",
        "comments": "Comments",
        "answered": "Answered",
        "unanswered": "Not answered yet",
        "hidden": "Hidden by a moderator",
        "replies": "Replies",
        "campaigns": "Campaign groups",
        "by_outcome": "Answer",
        "by_stance": "Stance",
        "by_group": "Group",
        "campaign": "Campaign",
        "campaign_lower": "campaign",
        "similar": "{n} similar comments.",
        "no_comments": "No comment on this clause.",
        "comment": "Comment",
        "stance": "Stance",
        "replies_n": "{n} replies",
        "answer": "Answer",
        "becomes": "becomes {key} in the next version",
        "no_answer": "Answer: none yet.",
        "hidden_note": "hidden by a moderator",
        "outcomes": {
            "accepted": "Accepted",
            "partly": "Partly accepted",
            "not_accepted": "Not accepted",
            "noted": "Noted",
        },
        "stances": {"for": "For", "neutral": "Neutral", "against": "Against"},
        "groups": {
            "asn": "Civil servants (ASN)",
            "union": "Unions / KORPRI",
            "academic": "Academics",
            "public": "General public",
        },
    },
}
