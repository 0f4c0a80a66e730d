"""The amending instrument written from the diff of two versions; the text in force after each amendment."""
