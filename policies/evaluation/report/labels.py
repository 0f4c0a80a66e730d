"""The evaluation report's own words, in Indonesian and English (the report is a document, not a page)."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, dict[str, Any]] = {
    "id": {
        "title": "Laporan Evaluasi",
        "round": "Putaran survei",
        "cycle": "Siklus",
        "period": "Periode",
        "closed": "Ditutup",
        "open": "Masih dibuka",
        "ikm": "Indeks Kepuasan Masyarakat (IKM)",
        "category": "Kategori mutu pelayanan",
        "unsur": "Unsur",
        "nrr": "NRR",
        "unsur_ikm": "IKM unsur",
        "by_unit": "IKM per unit kerja",
        "unit": "Unit kerja",
        "respondents": "Responden",
        "response": "Tingkat respons",
        "population": "Populasi",
        "target_sample": "Sampel target (Krejcie–Morgan)",
        "responses": "Jawaban masuk",
        "indicators": "Indikator terhadap target",
        "indicator": "Indikator",
        "baseline": "Nilai dasar",
        "target": "Target",
        "value": "Nilai putaran ini",
        "meets": "Memenuhi target",
        "yes": "ya",
        "no": "tidak",
        "not_measured": "belum diukur",
        "questions": "Pertanyaan khusus",
        "mean": "Skor (25–100)",
        "free_text": "Jawaban terbuka",
        "no_responses": "Belum ada jawaban.",
        "recommendation": "Rekomendasi revisi",
        "no_recommendation": "Tidak ada rekomendasi revisi.",
        "method": "IKM dihitung persis (bobot 1/9 per unsur), dibulatkan setengah ke atas ke 2 desimal, "
        "lalu dikategorikan (PermenPANRB 14/2017).",
        "sample_ok": "Sampel target tercapai.",
        "sample_short": "Sampel target belum tercapai.",
        "trend": "Tren",
        "option": "Pilihan",
        "count": "Jumlah",
        "other_units": "Lainnya",
        "by_unit_unsur": "IKM unsur per unit kerja",
        "anonymity": "Unit kerja dengan kurang dari {n} responden tidak ditampilkan sendiri agar "
        "respondennya tidak dapat dikenali: {units} unit ({respondents} responden) digabung menjadi "
        "\u201cLainnya\u201d.",
        "anonymity_withheld": "Gabungan \u201cLainnya\u201d pun kurang dari {n} responden, jadi "
        "nilainya tidak ditampilkan; jawabannya tetap dihitung dalam IKM keseluruhan.",
        "breakdowns": "Rincian per kelompok responden",
        "dim_unit": "Unit kerja",
        "dim_golongan": "Golongan",
        "dim_years": "Masa kerja (tahun)",
        "suppressed": "< {n} (disembunyikan)",
        "merged": "digabung ke \u201cLainnya\u201d",
        # A group merged to protect "Lainnya" has at least the minimum: "< n" would be untrue of it.
        "merged_hidden": "disembunyikan",
        "suppression_note": "Kelompok dengan kurang dari {n} responden disembunyikan: jumlah dan nilainya "
        "tidak ditampilkan, agar jawaban tidak dapat ditelusuri ke orangnya. Kelompok kecil digabung "
        "menjadi \u201cLainnya\u201d; bila gabungan itu masih kurang dari {n}, kelompok terkecil "
        "berikutnya ikut digabung, supaya nilai yang disembunyikan tidak dapat dihitung dari selisih "
        "dengan total.",
        "s1": "I. Pendahuluan",
        "s1_background": "A. Latar belakang",
        "background": "Survei Kepuasan Masyarakat (SKM) atas kebijakan \u201c{policy}\u201d ({kind}) "
        "adalah bagian dari evaluasi berkala kebijakan itu oleh {unit}. Para ASN yang menjalani kebijakan "
        "menilai sembilan unsur "
        "pelayanan; hasilnya menjadi dasar perbaikan dan, bila perlu, revisi kebijakan.",
        "s1_legal": "B. Dasar hukum",
        "legal": [
            "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;",
            "Peraturan Menteri PANRB Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan "
            "Masyarakat Unit Penyelenggara Pelayanan Publik;",
        ],
        "s1_aims": "C. Tujuan",
        "aims": "Mengukur tingkat kepuasan atas pelaksanaan kebijakan, menemukan unsur yang lemah, dan "
        "menyusun rencana tindak lanjut.",
        "s2": "II. Metode dan Sampel",
        "sample_item": "Uraian",
        "sample_figure": "Jumlah",
        "method_text": "Survei dijalankan oleh {unit} dengan kuesioner daring berisi sembilan unsur SKM "
        "(skala 1–4), pertanyaan khusus jenis kebijakan, dan profil responden. Setiap ASN dalam populasi "
        "menerima tautan pribadi sekali pakai; jawaban disimpan tanpa identitas. Jumlah sampel minimum "
        "ditetapkan dengan tabel Krejcie–Morgan sesuai PermenPANRB 14/2017.",
        "minimum_sample": "Sampel minimum (Krejcie–Morgan)",
        "shortfall": "Kekurangan sampel",
        "margin": "Batas galat sampel (margin of error, 95 %)",
        "margin_none": "tidak dapat dihitung (belum ada jawaban)",
        "margin_formula": "Batas galat sampel dihitung untuk proporsi pada tingkat kepercayaan 95 % dengan "
        "koreksi populasi terbatas: e = 1,96 × √(0,5 × 0,5 / n) × √((N − n) / (N − 1)), n jawaban dari "
        "populasi N, dibulatkan setengah ke atas ke 2 desimal.",
        "sample_adequate": "Sampel memenuhi minimum.",
        "s3": "III. Hasil Pengolahan Data",
        "s3_nrr": "A. Nilai rata-rata (NRR) per unsur",
        "s3_table": "B. Tabel NRR dan IKM menurut PermenPANRB 14/2017",
        "total": "Jumlah nilai",
        "weighted": "NRR tertimbang (NRR × 1/9)",
        "ni": "Nilai indeks (NI = Σ NRR tertimbang)",
        "ikm_short": "IKM (NI × 25)",
        "s3_ikm": "C. IKM dan mutu pelayanan",
        "conversion": "Tabel konversi nilai interval",
        "perception": "Nilai persepsi",
        "ni_range": "Nilai interval (NI)",
        "ikm_range": "Nilai interval konversi (IKM)",
        "mutu": "Mutu pelayanan",
        "performance": "Kinerja unit pelayanan",
        "this_round": "putaran ini",
        "rounding": "Aturan pembulatan: NRR, NI dan IKM dihitung persis dalam pecahan dengan bobot "
        "tepat 1/9; "
        "hanya angka yang ditampilkan yang dibulatkan, setengah ke atas (NRR 2 desimal, NI 4 desimal, IKM 2 "
        "desimal), dan mutu ditentukan dari IKM yang sudah dibulatkan (76,605 menjadi 76,61, mutu B). Dengan "
        "bobot tercetak 0,111 IKM putaran ini akan menjadi {rounded}.",
        "s3_unit": "D. Hasil per unit kerja",
        "s3_service": "E. Hasil per layanan",
        "service": "Layanan",
        "s3_indicators": "F. Indikator terhadap target",
        "s4": "IV. Analisis Hasil",
        "s4_lowest": "A. Unsur terendah dan tertinggi",
        "lowest": "Unsur dengan nilai terendah: {names} (NRR {nrr}; IKM unsur {ikm}, mutu {category}).",
        "highest": "Unsur dengan nilai tertinggi: {names} (NRR {nrr}; IKM unsur {ikm}, mutu {category}).",
        "lowest_action": "Unsur bermutu C atau D memerlukan rencana tindak lanjut.",
        "s4_followup": "B. Rencana tindak lanjut",
        "followup_none": "Belum ada rencana tindak lanjut yang dicatat untuk putaran ini.",
        "s4_compare": "C. Perbandingan dengan survei sebelumnya",
        "no_previous": "Belum ada putaran sebelumnya yang ditutup untuk kebijakan ini.",
        "previous": "Putaran {n}",
        "delta": "Selisih",
        "compare_note": "Selisih dihitung dari nilai yang ditampilkan (sudah dibulatkan).",
        "s4_recommendation": "D. Rekomendasi revisi",
        "s5": "V. Kesimpulan",
        "conclusion": "IKM putaran ini {ikm}, mutu pelayanan {category} ({name}), dari {responses} jawaban "
        "(margin of error {margin}).",
        "conclusion_none": "Putaran ini ditutup tanpa jawaban, jadi IKM tidak dapat dihitung.",
    },
    "en": {
        "title": "Evaluation Report",
        "round": "Survey round",
        "cycle": "Cycle",
        "period": "Period",
        "closed": "Closed",
        "open": "Still open",
        "ikm": "Community Satisfaction Index (IKM)",
        "category": "Service quality category",
        "unsur": "Element",
        "nrr": "Mean (NRR)",
        "unsur_ikm": "Element index",
        "by_unit": "IKM by work unit",
        "unit": "Work unit",
        "respondents": "Respondents",
        "response": "Response rate",
        "population": "Population",
        "target_sample": "Target sample (Krejcie–Morgan)",
        "responses": "Responses received",
        "indicators": "Indicators against targets",
        "indicator": "Indicator",
        "baseline": "Baseline",
        "target": "Target",
        "value": "This round",
        "meets": "Meets target",
        "yes": "yes",
        "no": "no",
        "not_measured": "not measured",
        "questions": "Policy-specific questions",
        "mean": "Score (25–100)",
        "free_text": "Open answers",
        "no_responses": "No responses yet.",
        "recommendation": "Revision recommendation",
        "no_recommendation": "No revision recommended.",
        "method": "The IKM is computed exactly (weight 1/9 per element), rounded half-up to 2 decimals, "
        "then classified (PermenPANRB 14/2017).",
        "sample_ok": "Target sample reached.",
        "sample_short": "Target sample not yet reached.",
        "trend": "Trend",
        "option": "Option",
        "count": "Count",
        "other_units": "Other",
        "by_unit_unsur": "Element index by work unit",
        "anonymity": "Work units with fewer than {n} respondents are not shown on their own, so that "
        "their respondents cannot be recognised: {units} units ({respondents} respondents) are merged "
        "into \u201cOther\u201d.",
        "anonymity_withheld": "Even merged, \u201cOther\u201d has fewer than {n} respondents, so its "
        "figures are not shown; its answers still count in the overall IKM.",
        "breakdowns": "Breakdown by respondent group",
        "dim_unit": "Work unit",
        "dim_golongan": "Golongan (rank)",
        "dim_years": "Years of service",
        "suppressed": "< {n} (hidden)",
        "merged": "merged into \u201cOther\u201d",
        "merged_hidden": "hidden",
        "suppression_note": "Groups with fewer than {n} respondents are hidden: neither their count nor "
        "their figures are shown, so that no answer can be traced to its author. Small groups are merged "
        "into \u201cOther\u201d; if the merge still has fewer than {n}, the next smallest groups join "
        "it, so that a hidden figure cannot be worked out by subtraction from the total.",
        "s1": "I. Introduction",
        "s1_background": "A. Background",
        "background": "This community satisfaction survey (SKM) of the policy \u201c{policy}\u201d ({kind}) "
        "is part of its periodic evaluation by {unit}. The civil servants the policy serves rate nine "
        "service elements; the results guide improvements and, where needed, a revision of the policy.",
        "s1_legal": "B. Legal basis",
        "legal": [
            "Law No. 25 of 2009 on Public Services;",
            "Regulation of the Minister of Administrative and Bureaucratic Reform No. 14 of 2017 on "
            "Guidelines for Community Satisfaction Surveys of Public Service Units;",
        ],
        "s1_aims": "C. Aims",
        "aims": "To measure satisfaction with how the policy is carried out, find its weak elements and plan "
        "the follow-up.",
        "s2": "II. Method and Sample",
        "sample_item": "Item",
        "sample_figure": "Figure",
        "method_text": "The survey was run by {unit} with an online questionnaire of the nine SKM elements "
        "(scale 1–4), the policy kind's own questions and a respondent profile. Every civil servant of the "
        "population received a personal one-time link; answers are stored without identity. The minimum "
        "sample follows the Krejcie–Morgan table, as the 2017 regulation asks.",
        "minimum_sample": "Minimum sample (Krejcie–Morgan)",
        "shortfall": "Sample shortfall",
        "margin": "Margin of error (95%)",
        "margin_none": "cannot be computed (no answers)",
        "margin_formula": "The margin of error is that of a proportion at 95% confidence with the finite "
        "population correction: e = 1.96 × √(0.5 × 0.5 / n) × √((N − n) / (N − 1)), for n answers from a "
        "population of N, rounded half-up to 2 decimals.",
        "sample_adequate": "The sample meets the minimum.",
        "s3": "III. Results",
        "s3_nrr": "A. Mean score (NRR) per element",
        "s3_table": "B. NRR and IKM table of the 2017 regulation",
        "total": "Sum of scores",
        "weighted": "Weighted NRR (NRR × 1/9)",
        "ni": "Index value (NI = Σ weighted NRR)",
        "ikm_short": "IKM (NI × 25)",
        "s3_ikm": "C. IKM and service quality",
        "conversion": "Interval conversion table",
        "perception": "Perception score",
        "ni_range": "Interval value (NI)",
        "ikm_range": "Converted interval (IKM)",
        "mutu": "Service quality",
        "performance": "Unit performance",
        "this_round": "this round",
        "rounding": "Rounding rule: NRR, NI and IKM are computed exactly, as fractions with the exact weight "
        "1/9; only the figures shown are rounded, half-up (NRR 2 decimals, NI 4 decimals, IKM 2 decimals), "
        "and the quality grade is read from the rounded IKM (76.605 becomes 76.61, grade B). With the "
        "printed weight 0.111 this round's IKM would be {rounded}.",
        "s3_unit": "D. Results by work unit",
        "s3_service": "E. Results by service",
        "service": "Service",
        "s3_indicators": "F. Indicators against targets",
        "s4": "IV. Analysis",
        "s4_lowest": "A. Weakest and strongest elements",
        "lowest": "Lowest-scoring element: {names} (mean {nrr}; element index {ikm}, grade {category}).",
        "highest": "Highest-scoring element: {names} (mean {nrr}; element index {ikm}, grade {category}).",
        "lowest_action": "Elements graded C or D need a follow-up plan.",
        "s4_followup": "B. Follow-up plan",
        "followup_none": "No follow-up plan has been recorded for this round yet.",
        "s4_compare": "C. Comparison with the previous survey",
        "no_previous": "No earlier round of this policy has closed yet.",
        "previous": "Round {n}",
        "delta": "Change",
        "compare_note": "Changes are computed from the figures shown (already rounded).",
        "s4_recommendation": "D. Revision recommendation",
        "s5": "V. Conclusion",
        "conclusion": "This round's IKM is {ikm}, service quality {category} ({name}), from {responses} "
        "answers (margin of error {margin}).",
        "conclusion_none": "This round closed without answers, so no IKM can be computed.",
    },
}
