"""The amending instrument written from the diff of two versions, and the text as in force after each amendment."""
