"""Ingest: corpus → clean → structure → chunk → embed → index.

One module per stage, in the order the data flows:
`corpus` (load the Markdown articles), `clean` (drop web boilerplate as whole spans),
`structure` (headings, FAQ questions, paragraphs, list items), `chunk` (sentences and
token-sized chunks with exact offsets), `embed` (the packaged all-MiniLM-L6-v2 model),
`index` (FAISS + BM25 on disk, with a manifest), with `vector_cache` (vectors by model identity
and text hash, so a rebuild embeds only new texts) and `search` (exact or HNSW chunk search,
chosen by size). `add` turns a .txt/.md/.html file into a corpus article.
`python -m ingest` builds; `python -m ingest add …` adds an article.
"""
