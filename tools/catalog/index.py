"""The catalog's vector index: Chroma is the store of record, search runs on an in-memory copy.

Chroma keeps one embedding per product with the content hash of the text it was made from, so a
re-index embeds only what changed. Search never asks Chroma: an exact scan of a float32 matrix
restricted by numpy filter masks is faster and never loses recall on broad filters. A local `.npz`
copy of the matrix makes opening the index a file read instead of a Chroma scan.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from tools.catalog.arrays import (
    CAT_KEYS,
    COLOUR_BIT,
    DEPT_KEYS,
    OCC_BIT,
    CatalogArrays,
    StockArrays,
    load_catalog,
    load_stock,
)
from tools.catalog.embeddings import DIMENSIONS, Embedder
from tools.db.shop import CacheSlot, Shop

log = logging.getLogger(__name__)

COLLECTION = "sarto_products"
_CHROMA_BATCH = 4000  # under Chroma's maximum batch size
_ENCODE_CHUNK = 512


@dataclass
class IndexStats:
    products: int
    embedded: int
    skipped: int
    seconds: float
    products_per_s: float
    texts_encoded: int = 0  # distinct index texts among the embedded products
    encode_s: float = 0.0  # wall time in the encoder
    upsert_s: float = 0.0  # wall time in Chroma upserts (overlaps encoding: runs in a thread)


@dataclass(frozen=True)
class Snapshot:
    """One consistent view for a search; replaced whole, never mutated, so readers need no lock."""

    catalog: CatalogArrays
    vectors: np.ndarray  # float32 (n, 384), row order of `catalog`
    embedded: np.ndarray  # bool: False where a product has no vector yet (scored by attributes)
    stock: StockArrays
    loaded_at: float


def _single_thread_blas() -> None:
    """Search's matrix-vector product is memory-bound: a second BLAS thread only adds wake-up
    latency, and on a busy 2-core box it waits for a core (45k x 384: 9.5 ms p50 with 2 threads,
    3.1 ms with 1, measured here). Embedding runs in onnxruntime and keeps its own threads."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # an optional speed-up (comes with sentence-transformers' scikit-learn)
        return
    threadpool_limits(1, user_api="blas")


def chroma_client(shop: Shop) -> Any:
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if shop.chroma_url:
        url = urlparse(shop.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1",
                                   port=url.port or (443 if url.scheme == "https" else 8000),
                                   ssl=url.scheme == "https", settings=settings)
    return chromadb.PersistentClient(path=str(shop.data_dir / "chroma"), settings=settings)


def _metadata(catalog: CatalogArrays, row: int) -> dict[str, Any]:
    """What Chroma stores beside a vector: the hash for re-indexing, and filterable attributes
    (search does not use them; they let Chroma's own `where` query be measured as a baseline)."""
    meta: dict[str, Any] = {
        "sku": catalog.skus[row],
        "hash": catalog.hashes[row],
        "price": float(catalog.price_cents[row]) / 100,
    }
    department, category = int(catalog.department[row]), int(catalog.category[row])
    if department >= 0:  # -1: unknown, left out rather than read as the last key
        meta["department"] = DEPT_KEYS[department]
    if category >= 0:
        meta["category"] = CAT_KEYS[category]
    for key, bit in OCC_BIT.items():
        if int(catalog.occasions[row]) & bit:
            meta[f"occ_{key}"] = True
    for key, bit in COLOUR_BIT.items():
        if int(catalog.colours[row]) & bit:
            meta[f"col_{key}"] = True
    return meta


class CatalogIndex:
    """One shop's index and the encoder its vectors and queries share."""

    def __init__(self, shop: Shop, embedder: Embedder) -> None:
        self.shop = shop
        self.embedder = embedder
        self._collection: Any = None
        self._sync_lock = threading.Lock()
        self.snapshot: Snapshot | None = None

    @classmethod
    def open(cls, shop: Shop, warn_missing: bool = True) -> CatalogIndex:
        from tools.lexicon import match_terms

        _single_thread_blas()
        index = cls(shop, Embedder())
        index._load(warn_missing)
        match_terms("warm up")  # builds the phrase table now rather than in a shopper's search
        return index

    # --- Chroma ------------------------------------------------------------------------------

    def collection(self) -> Any:
        if self._collection is None:
            client = chroma_client(self.shop)
            self._collection = client.get_or_create_collection(
                COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        return self._collection

    def _stored_hashes(self) -> dict[str, str]:
        """sku -> content hash of every product in Chroma, metadata only (no embeddings)."""
        collection = self.collection()
        total = collection.count()
        out: dict[str, str] = {}
        for offset in range(0, total, 20_000):
            got = collection.get(include=["metadatas"], limit=20_000, offset=offset)
            for sku, meta in zip(got["ids"], got["metadatas"], strict=True):
                out[sku] = str((meta or {}).get("hash", ""))
        return out

    def _fetch_vectors(self, skus: list[str], hashes: dict[str, str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        collection = self.collection()
        for start in range(0, len(skus), _CHROMA_BATCH):
            got = collection.get(ids=skus[start:start + _CHROMA_BATCH],
                                 include=["embeddings", "metadatas"])
            for sku, emb, meta in zip(got["ids"], got["embeddings"], got["metadatas"], strict=True):
                if (meta or {}).get("hash") == hashes[sku]:
                    out[sku] = np.asarray(emb, dtype=np.float32)
        return out

    # --- the local matrix copy ---------------------------------------------------------------

    @property
    def _cache_file(self) -> Path:
        return self.shop.data_dir / "index" / f"{COLLECTION}-{self.embedder.space}.npz"

    def _read_cache(self) -> dict[str, tuple[str, np.ndarray]]:
        path = self._cache_file
        if not path.exists():
            return {}
        try:
            with np.load(path, allow_pickle=False) as data:
                skus, hashes, vectors = data["skus"], data["hashes"], data["vectors"]
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring unreadable index cache %s: %s", path, exc)
            return {}
        return {str(s): (str(h), vectors[i]) for i, (s, h) in enumerate(zip(skus, hashes, strict=True))}

    def _write_cache(self, snap: Snapshot) -> None:
        path = self._cache_file
        path.parent.mkdir(parents=True, exist_ok=True)
        keep = snap.embedded
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, skus=np.array(snap.catalog.skus)[keep], hashes=np.array(snap.catalog.hashes)[keep],
                 vectors=snap.vectors[keep])
        os.replace(tmp, path)

    # --- loading -------------------------------------------------------------------------------

    def _assemble(self, catalog: CatalogArrays, known: dict[str, np.ndarray],
                  stock: StockArrays | None = None) -> Snapshot:
        vectors = np.zeros((catalog.size, DIMENSIONS), dtype=np.float32)
        embedded = np.zeros(catalog.size, dtype=bool)
        for row, sku in enumerate(catalog.skus):
            vec = known.get(sku)
            if vec is not None:
                vectors[row] = vec
                embedded[row] = True
        if stock is None:
            stock = load_stock(self.shop.engine, catalog)
        return Snapshot(catalog=catalog, vectors=vectors, embedded=embedded, stock=stock,
                        loaded_at=time.time())

    def _known_vectors(self, catalog: CatalogArrays, use_chroma: bool) -> dict[str, np.ndarray]:
        """Vectors whose hash matches the current text: memory first, then the file, then Chroma."""
        want = dict(zip(catalog.skus, catalog.hashes, strict=True))
        known: dict[str, np.ndarray] = {}
        if self.snapshot is not None:
            old = self.snapshot
            for row, sku in enumerate(old.catalog.skus):
                if old.embedded[row] and want.get(sku) == old.catalog.hashes[row]:
                    known[sku] = old.vectors[row]
        if len(known) < len(want):
            for sku, (digest, vec) in self._read_cache().items():
                if sku not in known and want.get(sku) == digest:
                    known[sku] = vec
        missing = [s for s in want if s not in known]
        if missing and use_chroma:
            known.update(self._fetch_vectors(missing, want))
        return known

    def _load(self, warn_missing: bool = True) -> None:
        catalog = load_catalog(self.shop.engine, self.embedder.space)
        known = self._known_vectors(catalog, use_chroma=True)
        snap = self._assemble(catalog, known)
        self.snapshot = snap
        missing = int((~snap.embedded).sum())
        if missing and warn_missing:
            log.warning("%d of %d products are not in the vector index yet: run `sarto seed` or "
                        "CatalogIndex.sync(); until then they rank by attributes only",
                        missing, catalog.size)
        elif catalog.size and not self._cache_file.exists():
            self._write_cache(snap)

    def refresh_stock(self) -> None:
        """Reload the in-memory stock from the database (after bulk stock updates)."""
        snap = self.snapshot
        if snap is None:
            self._load()
            return
        self.snapshot = replace(snap, stock=load_stock(self.shop.engine, snap.catalog),
                                loaded_at=time.time())

    def vectors_of(self, skus: list[str]) -> dict[str, np.ndarray]:
        """The embedded vectors of these products as search holds them (enrichment reads them
        instead of encoding the same texts again)."""
        snap = self.snapshot
        if snap is None:
            return {}
        rows = {sku: row for row, sku in enumerate(snap.catalog.skus)}
        return {sku: snap.vectors[rows[sku]] for sku in skus
                if sku in rows and bool(snap.embedded[rows[sku]])}

    # --- indexing ------------------------------------------------------------------------------

    def sync(self, progress: bool = True) -> IndexStats:
        """(Re)index the catalog: embeds only products whose index text changed; drops deleted."""
        with self._sync_lock:
            return self._sync(progress)

    def _sync(self, progress: bool) -> IndexStats:
        started = time.perf_counter()
        catalog = load_catalog(self.shop.engine, self.embedder.space)
        stored = self._stored_hashes()
        current = set(catalog.skus)
        stale = [sku for sku in stored if sku not in current]
        changed = [row for row, sku in enumerate(catalog.skus)
                   if stored.get(sku) != catalog.hashes[row]]
        collection = self.collection()
        for start in range(0, len(stale), _CHROMA_BATCH):
            collection.delete(ids=stale[start:start + _CHROMA_BATCH])
        timings: dict[str, float] = {}
        fresh = self._embed_rows(catalog, changed, progress, timings)
        known = self._known_vectors(catalog, use_chroma=False)
        known.update(fresh)
        unchanged_missing = [s for s in catalog.skus if s not in known]
        if unchanged_missing:  # unchanged in Chroma but not in memory or in the file
            known.update(self._fetch_vectors(unchanged_missing,
                                             dict(zip(catalog.skus, catalog.hashes, strict=True))))
        old = self.snapshot
        # Same products in the same rows: keep the stock arrays (refreshing stock is
        # refresh_stock's job; search re-checks stock in the database anyway).
        same_rows = old is not None and np.array_equal(old.catalog.ids, catalog.ids)
        snap = self._assemble(catalog, known, old.stock if same_rows and old is not None else None)
        self.snapshot = snap
        if changed or stale or not self._cache_file.exists():  # else the file already holds it
            self._write_cache(snap)
        seconds = time.perf_counter() - started
        stats = IndexStats(products=catalog.size, embedded=len(changed),
                           skipped=catalog.size - len(changed), seconds=round(seconds, 3),
                           products_per_s=round(catalog.size / seconds, 1) if seconds else 0.0,
                           texts_encoded=int(timings.get("texts_encoded", 0)),
                           encode_s=round(timings.get("encode_s", 0.0), 3),
                           upsert_s=round(timings.get("upsert_s", 0.0), 3))
        log.info("index sync: %s", stats)
        return stats

    def _embed_rows(self, catalog: CatalogArrays, rows: list[int], progress: bool,
                    timings: dict[str, float] | None = None) -> dict[str, np.ndarray]:
        """Embed the given rows (identical texts once) and upsert them into Chroma.

        Chroma's upsert of one chunk runs in a worker thread while the next chunk is encoded:
        its HNSW insertion is native code that releases the GIL, so the two overlap.
        """
        if not rows:
            return {}
        from concurrent.futures import Future, ThreadPoolExecutor

        by_text: dict[str, list[int]] = {}
        for row in rows:
            by_text.setdefault(catalog.texts[row], []).append(row)
        texts = list(by_text)
        out: dict[str, np.ndarray] = {}
        clock = {"encode_s": 0.0, "upsert_s": 0.0, "texts_encoded": float(len(texts))}
        bar = _progress(progress, len(rows))
        collection = self.collection()

        def upsert(chunk_rows: list[int], vectors: np.ndarray) -> None:
            t = time.perf_counter()
            collection.upsert(ids=[catalog.skus[r] for r in chunk_rows], embeddings=vectors,
                              metadatas=[_metadata(catalog, r) for r in chunk_rows])
            clock["upsert_s"] += time.perf_counter() - t
            bar.advance(len(chunk_rows))

        pending: Future[None] | None = None
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-upsert") as pool:
                for start in range(0, len(texts), _ENCODE_CHUNK):
                    chunk = texts[start:start + _ENCODE_CHUNK]
                    t = time.perf_counter()
                    vectors = self.embedder.encode(chunk)
                    clock["encode_s"] += time.perf_counter() - t
                    chunk_rows = [r for text in chunk for r in by_text[text]]
                    for text, vec in zip(chunk, vectors, strict=True):
                        for row in by_text[text]:
                            out[catalog.skus[row]] = vec
                    if pending is not None:
                        pending.result()  # one upsert in flight: bounded memory, errors surface
                    pending = pool.submit(upsert, chunk_rows,
                                          np.stack([out[catalog.skus[r]] for r in chunk_rows]))
                if pending is not None:
                    pending.result()
        finally:
            bar.close()
            if timings is not None:
                timings.update(clock)
        return out


class _Bar:
    """A rich progress bar, or nothing when progress is off."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._progress: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import Progress

            self._progress = Progress(console=Console(stderr=True))  # stdout may be a report
            self._progress.start()
            self._task = self._progress.add_task("indexing products", total=total)

    def advance(self, n: int) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, n)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def _progress(enabled: bool, total: int) -> _Bar:
    return _Bar(total, enabled)


INDEX = CacheSlot[CatalogIndex]("catalog_index")


def catalog_index(shop: Shop, for_sync: bool = False) -> CatalogIndex:
    """The shop's vector index, opened on first use (it loads the embedding model)."""
    # opened to be synced: products not embedded yet are expected, not news
    return shop.cached(INDEX, lambda: CatalogIndex.open(shop, warn_missing=not for_sync))


def open_index(shop: Shop) -> CatalogIndex | None:
    """The shop's index if something already opened it (never opens it just to ask)."""
    return shop.peek(INDEX)
