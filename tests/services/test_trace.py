"""Traceability: an animal's life from hand-made records, its proof bundle, the API and CLI."""

from __future__ import annotations

import base64
import copy
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from cryptography.exceptions import InvalidSignature
from sqlalchemy.engine import Engine

from pigdata.config import Settings
from pigdata.domain.records import record_adapter
from pigdata.ledger import log, merkle
from pigdata.ledger.bundle_make import BundleError, make_bundle
from pigdata.ledger.bundle_verify import verify_bundle
from pigdata.ledger.entry import canonical_json, record_body
from pigdata.ledger.keys import Algorithm, SignerKey, VerifierKey
from pigdata.ledger.node import node_signer
from pigdata.ledger.note import Checkpoint, cosign, sign_note, split_note
from pigdata.services.trace import trace
from pigdata.store import tables as t
from pigdata.web import qr_svg

from tests.builders import (
    FARM_A,
    FARM_B,
    FARM_YONGCHUAN,
    MARKET,
    RONGCHANG_TOWN,
    SLAUGHTERHOUSE,
    animal,
    district,
    ingest,
    movement,
    premises,
    slaughter,
)

TAG = "150015300000001"
OTHER = "150015300000002"
OWNER = "张三"  # every builder premises' owner: must never reach the public


def trade(market: str, day: str, seller: str | None, buyer: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "trade",
        "market": market,
        "date": day,
        "head_count": 5,
        "avg_weight_kg": "25.5",
        "avg_price": "31.2",
    }
    if seller:
        record["seller"] = seller
    if buyer:
        record["buyer"] = buyer
    return record


def life() -> list[dict[str, Any]]:
    """Give the records of one pig's life, and some that are not about it, in ledger order."""
    return [
        *district(),
        animal(TAG, "2024-01-05", FARM_A, sire=OTHER),  # 6
        animal(OTHER, "2024-01-05", FARM_A),  # 7
        movement("5000000101", FARM_A, MARKET, "2024-06-01", ear_tags=[TAG, OTHER]),  # 8
        trade(MARKET, "2024-06-01", FARM_A, FARM_B),  # 9: the lot it was sold in
        trade(MARKET, "2024-06-01", FARM_YONGCHUAN, FARM_B),  # 10: another seller
        trade(MARKET, "2024-06-02", FARM_A, FARM_B),  # 11: another day
        movement("5000000102", MARKET, FARM_B, "2024-06-01", ear_tags=[TAG]),  # 12
        movement("5000000103", FARM_B, SLAUGHTERHOUSE, "2024-09-01", ear_tags=[TAG]),  # 13
        movement("5000000104", FARM_A, FARM_B, "2024-06-03", ear_tags=[OTHER]),  # 14
        slaughter(SLAUGHTERHOUSE, "2024-09-02", [TAG]),  # 15
    ]


@pytest.fixture
def pig(engine: Engine, settings: Settings) -> dict[int, int]:
    """Ingest the life; give the ledger seq of each record by its position in `life()`."""
    summary = ingest(engine, settings, life())
    assert summary.rejected == 0, summary.rejections
    return {o.row_no: o.seq for o in summary.outcomes if o.seq is not None}


def log_key(settings: Settings) -> VerifierKey:
    signer = node_signer(settings, create=False)
    assert signer is not None  # ingest made the node's key
    return signer.key.verifier()


def test_trace_gives_the_life_in_order(engine: Engine, pig: dict[int, int]) -> None:
    with engine.connect() as conn:
        found = trace(conn, "1-500153-00000001")  # as typed on a label, with separators
    assert found is not None and found.ear_tag == TAG
    birth = found.birth
    assert birth is not None
    assert (birth.birth_date.isoformat(), birth.breed, birth.sire) == (
        "2024-01-05",
        "荣昌猪",
        OTHER,
    )
    assert birth.premises.name == f"场所{FARM_A}"
    assert birth.premises.township_name is not None
    assert birth.premises.township_name.endswith("昌元街道")
    assert [m.certificate_no for m in found.movements] == ["5000000101", "5000000102", "5000000103"]
    first = found.movements[0]
    assert (first.origin.code, first.destination.code) == (FARM_A, MARKET)
    assert first.destination.premises_type == "market"
    assert [(v.market.code, v.movement_seq) for v in found.markets] == [(MARKET, pig[8])]
    # Linked by market, day and seller: not the other seller's lot, nor the next day's.
    assert [lot.seq for lot in found.markets[0].lots] == [pig[9]]
    assert found.slaughter is not None
    assert (found.slaughter.slaughterhouse.code, found.slaughter.date.isoformat()) == (
        SLAUGHTERHOUSE,
        "2024-09-02",
    )
    assert found.seqs() == sorted(pig[i] for i in (6, 8, 9, 12, 13, 15))


def test_trace_shows_no_owner_and_knows_unknown_tags(engine: Engine, pig: dict[int, int]) -> None:
    with engine.connect() as conn:
        found = trace(conn, TAG)
        assert trace(conn, "150015399999999") is None  # well-formed, never seen
        assert trace(conn, "not a tag") is None
        other = trace(conn, OTHER)
    assert found is not None and other is not None
    assert OWNER not in orjson.dumps(found.to_json()).decode()
    assert [m.certificate_no for m in other.movements] == ["5000000101", "5000000104"]
    assert other.slaughter is None and other.birth is not None


def test_a_tag_seen_only_at_slaughter(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, [*district(), slaughter(SLAUGHTERHOUSE, "2024-09-02", [TAG])])
    with engine.connect() as conn:
        found = trace(conn, TAG)
    assert found is not None and found.birth is None and found.movements == ()
    assert found.slaughter is not None and found.seqs() == [6]


def test_the_bundle_verifies_offline(
    engine: Engine, settings: Settings, pig: dict[int, int]
) -> None:
    key = log_key(settings)
    with engine.connect() as conn:
        found = trace(conn, TAG)
        assert found is not None
        bundle = make_bundle(conn, found.seqs(), key)
        size = log.ledger_size(conn)
    assert bundle["size"] == size and bundle["origin"] == settings.origin
    assert bundle["log_key"] == key.to_text()
    # The bundle is plain JSON: it goes through a file unchanged.
    bundle = orjson.loads(orjson.dumps(bundle))
    report = verify_bundle(bundle)
    assert report.ok, report.problems
    assert report.key_source == "bundle" and report.notes  # says the key was self-asserted
    assert report.signed_by == f"{key.name}+{key.key_id:08x}"
    assert [e.index for e in report.entries] == found.seqs()
    kinds = {e.index: e.kind for e in report.entries}
    assert kinds[pig[6]] == "animal" and kinds[pig[15]] == "slaughter"
    assert {e.submitter for e in report.entries} == {"admin"}
    # With the published key given, that key is the one trusted.
    given = verify_bundle(bundle, key.to_text())
    assert given.ok and given.key_source == "given" and not given.notes
    # Owners' names never leave the node in a bundle: premises entries are not in it.
    for item in bundle["entries"]:
        assert OWNER not in base64.b64decode(item["entry"]).decode()


def test_the_wrong_key_or_a_forged_bundle_fails(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, life())
    key = log_key(settings)
    with engine.connect() as conn:
        bundle = make_bundle(conn, [6, 8], key)
        with pytest.raises(BundleError):
            make_bundle(conn, [log.ledger_size(conn)], key)
    stranger = SignerKey.generate(key.name).verifier()
    refused = verify_bundle(bundle, stranger.to_text())
    assert not refused.ok and refused.signed_by is None
    assert all(not e.included for e in refused.entries)
    # A forger who swaps in their own key must also sign: the note's line is the node's.
    forged = {**bundle, "log_key": stranger.to_text()}
    assert not verify_bundle(forged).ok
    assert not verify_bundle({**bundle, "size": bundle["size"] + 1}).ok
    assert not verify_bundle({**bundle, "entries": "x"}).ok
    assert not verify_bundle({**bundle, "entries": []}).ok  # proves nothing: not a pass
    assert not verify_bundle([]).ok
    moved = copy.deepcopy(bundle)
    moved["entries"][0]["index"] = 7  # a true entry claimed at another index
    assert not verify_bundle(moved).ok


def flipped(text: str, at: int) -> str:
    """Give base64 of the decoded bytes with one byte's low bit flipped."""
    data = bytearray(base64.b64decode(text))
    data[at] ^= 0x01
    return base64.b64encode(bytes(data)).decode()


def add_witness(engine: Engine) -> SignerKey:
    """Cosign the latest checkpoint as a witness would, and store the cosignature."""
    witness = SignerKey.generate("witness.example.org/w1", Algorithm.COSIGNATURE_V1)
    with engine.begin() as conn:
        latest = log.latest_checkpoint(conn)
        assert latest is not None
        text, _ = split_note(latest["note"])
        line = cosign(text, witness, 1764028800)
        conn.execute(
            t.cosignatures.insert().values(
                size=latest["size"],
                witness=witness.name,
                key_id=f"{witness.key_id:08x}",
                timestamp=1764028800,
                line=line,
            )
        )
    return witness


def test_witness_cosignatures(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, life())
    witness = add_witness(engine)
    with engine.connect() as conn:
        bundle = make_bundle(conn, [6], log_key(settings))
    assert witness.name in bundle["checkpoint"]
    unchecked = verify_bundle(bundle)
    assert unchecked.ok
    assert [(w.name, w.status) for w in unchecked.witnesses] == [(witness.name, "unchecked")]
    checked = verify_bundle(bundle, witness_keys=[witness.verifier().to_text()] * 2)
    assert checked.ok
    assert [(w.status, w.timestamp) for w in checked.witnesses] == [("verified", 1764028800)]
    absent = SignerKey.generate("witness.example.org/w2", Algorithm.COSIGNATURE_V1)
    missing = verify_bundle(bundle, witness_keys=[absent.verifier().to_text()])
    assert not missing.ok and "missing" in {w.status for w in missing.witnesses}
    impostor = SignerKey(witness.name, absent.private_key, Algorithm.COSIGNATURE_V1)
    assert not verify_bundle(bundle, witness_keys=[impostor.verifier().to_text()]).ok
    assert not verify_bundle(bundle, witness_keys=[log_key(settings).to_text()]).ok


def test_any_flipped_byte_fails(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, life())
    witness = add_witness(engine)
    witnesses = [witness.verifier().to_text()]
    with engine.connect() as conn:
        bundle = make_bundle(conn, [6, 13, 15], log_key(settings))
    assert verify_bundle(bundle, witness_keys=witnesses).ok
    entry = bundle["entries"][1]
    for at in range(len(base64.b64decode(entry["entry"]))):
        bad = copy.deepcopy(bundle)
        bad["entries"][1]["entry"] = flipped(entry["entry"], at)
        assert not verify_bundle(bad, witness_keys=witnesses).ok, f"entry byte {at}"
    for i, node in enumerate(entry["proof"]):
        for at in range(32):
            bad = copy.deepcopy(bundle)
            bad["entries"][1]["proof"][i] = flipped(node, at)
            assert not verify_bundle(bad, witness_keys=witnesses).ok, f"proof {i} byte {at}"
    note = bundle["checkpoint"].encode()
    for at in range(len(note)):
        data = bytearray(note)
        data[at] ^= 0x01
        bad = {**bundle, "checkpoint": data.decode("utf-8", errors="replace")}
        assert not verify_bundle(bad, witness_keys=witnesses).ok, f"checkpoint byte {at}"


def test_the_trace_api(
    server: str, engine: Engine, settings: Settings, pig: dict[int, int]
) -> None:
    answer = httpx.get(f"{server}/api/v1/trace/{TAG}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ear_tag"] == TAG and body["bundle_error"] is None
    assert body["birth"]["premises"]["name"] == f"场所{FARM_A}"
    assert body["seqs"] == [e["index"] for e in body["bundle"]["entries"]]
    assert OWNER not in answer.text
    assert verify_bundle(body["bundle"], log_key(settings).to_text()).ok
    unknown = httpx.get(f"{server}/api/v1/trace/150015399999999")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    page = httpx.get(f"{server}/trace/{TAG}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"场所{MARKET}" in page.text and OWNER not in page.text
    unknown_page = httpx.get(f"{server}/trace/150015399999999")
    assert unknown_page.status_code == 404 and "qr.svg" in unknown_page.text  # a label to come
    malformed = httpx.get(f"{server}/trace/<b>x")
    assert malformed.status_code == 404 and "qr.svg" not in malformed.text
    assert "&lt;b&gt;x" in malformed.text and "<b>" not in malformed.text  # no markup from it
    qr = httpx.get(f"{server}/trace/{TAG}/qr.svg")
    assert qr.headers["content-type"].startswith("image/svg+xml")
    title = f"耳标 {TAG} 的追溯 / trace of ear tag {TAG}"
    assert qr.text == qr_svg(f"{server}/trace/{TAG}", title)  # the page's absolute URL
    assert httpx.get(f"{server}/trace/nonsense/qr.svg").status_code == 404
    script = httpx.get(f"{server}/static/trace/trace.js")
    assert script.status_code == 200 and "crypto.subtle" in script.text
    assert httpx.get(f"{server}/static/trace/..%2Fpage.py").status_code == 404


def test_without_a_node_key_the_trace_says_why(
    server: str, engine: Engine, settings: Settings, pig: dict[int, int]
) -> None:
    settings.key_file.unlink()
    body = httpx.get(f"{server}/api/v1/trace/{TAG}").json()
    assert body["bundle"] is None and "key" in body["bundle_error"]
    assert body["slaughter"]["slaughterhouse"]["code"] == SLAUGHTERHOUSE


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": settings.database_url,
        "PIGDATA_ARCHIVE_DIR": str(settings.archive_dir),
        "PIGDATA_KEY_FILE": str(settings.key_file),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "pigdata", *args], env=env, capture_output=True, text=True
    )


def test_cli_trace_and_verify_proof(
    engine: Engine, settings: Settings, pig: dict[int, int], tmp_path: Path
) -> None:
    witness = add_witness(engine).verifier().to_text()
    out = tmp_path / "bundle.json"
    traced = run(settings, "trace", TAG, "--bundle", str(out))
    assert traced.returncode == 0, traced.stderr
    assert f"场所{SLAUGHTERHOUSE}" in traced.stdout and "5000000102" in traced.stdout
    assert OWNER not in traced.stdout
    key = log_key(settings).to_text()
    checked = run(settings, "verify-proof", str(out), "--log-key", key, "--witness-key", witness)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("verified at 1764028800 (2025-11-25T00:00:00+00:00)") == 1
    assert f"signed by / 签名者: {settings.origin}+" in checked.stdout
    assert checked.stdout.count("included ✓") == len(orjson.loads(out.read_bytes())["entries"])
    bundle = orjson.loads(out.read_bytes())
    bundle["entries"][0]["entry"] = flipped(bundle["entries"][0]["entry"], 3)
    bad = tmp_path / "bad.json"
    bad.write_bytes(orjson.dumps(bundle))
    failed = run(settings, "verify-proof", str(bad))
    assert failed.returncode == 1 and "failed ✗" in failed.stdout
    stranger = SignerKey.generate(settings.origin).verifier().to_text()
    assert run(settings, "verify-proof", str(out), "--log-key", stranger).returncode == 1
    assert run(settings, "trace", "150015399999999").returncode == 1


def test_verify_proof_reads_a_saved_api_answer(
    server: str, settings: Settings, pig: dict[int, int], tmp_path: Path
) -> None:
    saved = tmp_path / f"trace-{TAG}.json"
    saved.write_bytes(httpx.get(f"{server}/api/v1/trace/{TAG}").content)
    done = run(settings, "verify-proof", str(saved))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bundle's own key" in done.stdout


def handmade_bundle(entries: list[bytes], wanted: list[int]) -> dict[str, Any]:
    """Give a bundle over an in-memory log of these entries, signed by a new log key."""
    signer = SignerKey.generate("test.example/ledger")
    leaves = [merkle.leaf_hash(e) for e in entries]
    checkpoint = Checkpoint(signer.name, len(entries), merkle.root(leaves))
    subtree = merkle.subtree_from_leaves(leaves)
    return {
        "origin": signer.name,
        "log_key": signer.verifier().to_text(),
        "checkpoint": sign_note(checkpoint.to_text(), [signer]),
        "size": len(entries),
        "entries": [
            {
                "index": i,
                "entry": base64.b64encode(entries[i]).decode(),
                "proof": [
                    base64.b64encode(h).decode()
                    for h in merkle.inclusion_proof(i, len(entries), subtree)
                ],
            }
            for i in wanted
        ],
    }


def vouched_entry(record: dict[str, Any], key: SignerKey, signed: dict[str, Any]) -> bytes:
    """Give entry bytes of `record` vouched for with the premises key's signature of `signed`."""
    signature = base64.b64encode(key.sign(canonical_json(signed))).decode()
    vouched = {"key": key.verifier().to_text(), "premises": FARM_A, "signature": signature}
    entry = {"received": "2024-06-01T00:00:00.000Z", "record": record, "submitter": "farm:a"}
    return canonical_json({**entry, "v": 1, "vouched": vouched})


def test_a_premises_signature_in_an_entry_is_checked() -> None:
    key = SignerKey.generate(f"farm-{FARM_A}")
    record = animal(TAG, "2024-01-05", FARM_A, species="pig")
    altered = {**record, "breed": "杜洛克"}
    entries = [vouched_entry(record, key, record), vouched_entry(altered, key, record), b"{}"]
    report = verify_bundle(handmade_bundle(entries, [0, 1]))
    good, bad = report.entries
    assert good.included and good.vouched is not None and good.vouched.verified
    assert good.vouched.key == f"{key.name}+{key.key_id:08x}"
    assert good.vouched.premises == FARM_A and good.kind == "animal"
    # Included in the log, but the premises never signed this record: the bundle fails.
    assert bad.included and bad.vouched is not None and not bad.vouched.verified
    assert not report.ok and len(report.problems) == 1


def docs_verifier() -> dict[str, Any]:
    """Give the functions of the standalone Python verifier in docs/trace.md."""
    text = (Path(__file__).parent.parent.parent / "docs" / "trace.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1
    namespace: dict[str, Any] = {}
    exec(compile(blocks[0], "docs/trace.md", "exec"), namespace)
    return namespace


def test_the_documented_procedure_verifies_bundles(engine: Engine, settings: Settings) -> None:
    ingest(engine, settings, life())
    witness = add_witness(engine)
    with engine.connect() as conn:
        found = trace(conn, TAG)
        assert found is not None
        bundle = make_bundle(conn, found.seqs(), log_key(settings))
    verify = docs_verifier()["verify_bundle"]
    key, witnesses = log_key(settings).to_text(), [witness.verifier().to_text()]
    entries = verify(bundle, key, witnesses)
    assert [e["record"]["kind"] for e in entries] == [
        "animal",
        "movement",
        "trade",
        "movement",
        "movement",
        "slaughter",
    ]
    assert {e["submitter"] for e in entries} == {"admin"}
    bad = copy.deepcopy(bundle)
    bad["entries"][-1]["proof"][0] = flipped(bad["entries"][-1]["proof"][0], 0)
    with pytest.raises(ValueError, match="not in the checkpoint"):
        verify(bad, key, witnesses)
    with pytest.raises(ValueError, match="did not sign"):
        verify(bundle, SignerKey.generate(settings.origin).verifier().to_text(), [])
    forged = copy.deepcopy(bundle)
    forged["checkpoint"] = forged["checkpoint"].replace(f"\n{bundle['size']}\n", "\n99\n", 1)
    with pytest.raises(InvalidSignature):
        verify(forged, key, witnesses)
    other = SignerKey.generate("witness.example.org/w2", Algorithm.COSIGNATURE_V1)
    with pytest.raises(ValueError, match="did not cosign"):
        verify(bundle, key, [other.verifier().to_text()])


def test_the_documented_procedure_checks_premises_signatures() -> None:
    key = SignerKey.generate(f"farm-{FARM_A}")
    record = animal(TAG, "2024-01-05", FARM_A, species="pig", breed="荣昌猪\u2028")
    good = vouched_entry(record, key, record)
    bad = vouched_entry({**record, "sex": "male"}, key, record)
    bundle = handmade_bundle([good, bad], [0])
    verify = docs_verifier()["verify_bundle"]
    assert verify(bundle, bundle["log_key"], [])[0]["vouched"]["premises"] == FARM_A
    forged = handmade_bundle([good, bad], [1])
    with pytest.raises(InvalidSignature):
        verify(forged, forged["log_key"], [])


SIGNED_FARM = "5001530009"


def signed(record: dict[str, Any], key: SignerKey) -> dict[str, Any]:
    """Give the record with the signature a farm's own software would add."""
    canonical = canonical_json(record_body(record_adapter.validate_python(record)))
    return {**record, "_signature": base64.b64encode(key.sign(canonical)).decode()}


def test_who_vouched_for_the_trace(engine: Engine, settings: Settings) -> None:
    key = SignerKey.generate(f"farm-{SIGNED_FARM}")
    farm = premises(SIGNED_FARM, RONGCHANG_TOWN, signing_key=key.verifier().to_text())
    summary = ingest(
        engine,
        settings,
        [
            *district(),
            signed(farm, key),  # 6
            signed(animal(TAG, "2024-01-05", SIGNED_FARM), key),  # 7
            signed(movement("5000000201", SIGNED_FARM, FARM_B, "2024-06-01", ear_tags=[TAG]), key),
            movement("5000000202", FARM_B, SLAUGHTERHOUSE, "2024-09-01", ear_tags=[TAG]),  # 9
        ],
    )
    assert summary.rejected == 0, summary.rejections
    with engine.connect() as conn:
        found = trace(conn, TAG)
        assert found is not None and found.seqs() == [7, 8, 9]
        bundle = make_bundle(conn, found.seqs(), log_key(settings))
        # The movement (8) names its carrier: its signature is sealed with the name, and
        # only a bundle that discloses both lets it be checked.
        disclosed = make_bundle(conn, found.seqs(), log_key(settings), found.seqs())
    public = verify_bundle(bundle, log_key(settings).to_text())
    assert public.ok, public.problems
    vouched = {e.index: e.vouched for e in public.entries}
    assert vouched[9] is None
    sealed = vouched[8]
    assert sealed is not None and sealed.withheld and not sealed.verified
    assert sealed.premises == SIGNED_FARM
    entitled = verify_bundle(disclosed, log_key(settings).to_text())
    assert entitled.ok, entitled.problems
    for seq in (7, 8):
        check = {e.index: e.vouched for e in entitled.entries}[seq]
        assert check is not None and check.verified and check.premises == SIGNED_FARM
        assert check.key == f"{key.name}+{key.key_id:08x}"
    assert entitled.entries[1].disclosed["record.carrier"] == "李四"
    verify = docs_verifier()["verify_bundle"]
    for made in (bundle, disclosed):
        entries = verify(made, log_key(settings).to_text(), [])
        assert [e.get("vouched", {}).get("premises") for e in entries] == [SIGNED_FARM] * 2 + [None]
