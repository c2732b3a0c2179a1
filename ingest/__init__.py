"""Ingest: corpus → clean → structure → chunk → embed → index.

One module per stage, in the order the data flows:
`corpus` (load the Markdown articles), `clean` (drop web boilerplate as whole spans),
`structure` (headings, FAQ questions, paragraphs, list items), `chunk` (sentences and
token-sized chunks with exact offsets), `embed` (the packaged all-MiniLM-L6-v2 model),
`index` (FAISS + BM25 on disk, with a manifest). `python -m ingest` runs them all.
"""
