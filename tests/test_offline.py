"""Loading the model, indexing and searching stay on this machine: no socket leaves it, no hub."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import support

# Each seeds and indexes a shop of its own and loads the embedding model (torch too).
pytestmark = pytest.mark.slow


@pytest.fixture
def hub_calls(monkeypatch) -> list[str]:
    """Record any attempt to download from the Hugging Face hub."""
    import huggingface_hub

    calls: list[str] = []

    def refuse(*args, **kwargs):
        calls.append(repr(args))
        raise OSError("hub download attempted")

    for name in ("hf_hub_download", "snapshot_download"):
        monkeypatch.setattr(huggingface_hub, name, refuse)
        monkeypatch.setattr(huggingface_hub.file_download, name, refuse, raising=False)
    return calls


def test_model_index_and_search_stay_offline(tmp_path: Path, hub_calls):
    from catalog_seed.load import seed_shop
    from tools.catalog.embeddings import Embedder
    from tools.catalog.search import search_products
    from tools.db.engine import sqlite_url
    from tools.db.shop import open_shop

    before = len(support.outbound_attempts)
    vectors = Embedder().encode(["giacca blu", "navy blazer"])
    shop = open_shop(sqlite_url(tmp_path), tmp_path)
    seed_shop(shop, products=120, seed=3, build_index=True, progress=False)
    hits = search_products(shop, "giacca blu elegante", limit=5).hits
    assert vectors.shape == (2, 384) and hits
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert support.outbound_attempts[before:] == []
    assert hub_calls == []
    assert (tmp_path / "chroma").is_dir()


def test_sentence_transformers_and_the_onnx_encoder_agree(hub_calls):
    """The ONNX encoder indexes; either encoder may embed queries: they must share one space."""
    from tools.catalog.embeddings import Embedder

    texts = ["Giacca monopetto in lana blu navy, vestibilità slim", "red silk evening dress"]
    onnx = Embedder("onnx").encode(texts)
    torch = Embedder("torch").encode(texts)
    assert np.allclose(onnx, torch, atol=1e-4)
    assert hub_calls == []
