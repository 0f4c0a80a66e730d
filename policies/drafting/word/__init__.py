"""Word in and out: a draft's Markdown laid out as a regulation in .docx, and a .docx read back."""
