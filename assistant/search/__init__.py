"""Step 2 — search: clauses embedded and indexed, then found again for a question.

`embed` (MiniLM, run by onnxruntime once `onnx_embed` has exported it; a hash fake for tests), `index_store`
(FAISS + BM25 on disk with a checksummed manifest), `sentence_index` (sentence vectors), `route` (favouring the
places a question names) and `retrieve` (the hybrid search fusing them).
"""
