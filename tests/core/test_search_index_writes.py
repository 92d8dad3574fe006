"""Writing the database search index safely: upserts on ``(key, language)``, an in-transaction re-index
that can never fail the business write, concurrent writers of one key (PostgreSQL) and a batched
rebuild that sweeps stale entries. Runs on SQLite and, with ``DATABASE_URL``, PostgreSQL."""

import logging
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core.models import Event, SearchEntry
from core.search import database, indexing
from core.search.database import DatabaseSearchBackend

from .test_search_folding import TA_VAN, document

TEA = ("product:1", "product", "Chè Shan Tuyết", "", "Chè ngon.", TA_VAN, "tea", 4, 350_000, 1)


def rows(key: str) -> list[tuple[str, str]]:
    return list(SearchEntry.objects.filter(key=key).order_by("language").values_list("language", "title"))


# --- upserts --------------------------------------------------------------------------------------------


def test_indexing_a_key_twice_in_one_transaction_keeps_one_row_per_language(db):
    backend = DatabaseSearchBackend()
    SearchEntry.objects.all().delete()
    with transaction.atomic():
        backend.index([document(TEA), document(TEA, "en")])
        backend.index(
            [document(("product:1", "product", "Chè Shan Tuyết cổ thụ", *TEA[3:])), document(TEA, "en")]
        )
    assert rows("product:1") == [("en", "Chè Shan Tuyết"), ("vi", "Chè Shan Tuyết cổ thụ")]


def test_indexing_a_key_again_in_another_transaction_overwrites_its_rows_in_place(db):
    backend = DatabaseSearchBackend()
    SearchEntry.objects.all().delete()
    with transaction.atomic():
        backend.index([document(TEA), document(TEA, "en")])
    first = dict(SearchEntry.objects.filter(key="product:1").values_list("language", "pk"))
    # when it is indexed again, in Vietnamese only, with a new title and price
    changed = ("product:1", "product", "Chè Shan Tuyết cổ thụ", "", "Chè ngon.", TA_VAN, "tea", 4, 420_000, 0)
    with transaction.atomic():
        assert backend.index([document(changed)]) == 1
    # then the Vietnamese row is the same row, overwritten (folded copies too), and the English one is gone
    entry = SearchEntry.objects.get(key="product:1")
    assert (entry.pk, entry.language, entry.title, entry.price) == (first["vi"], "vi", changed[2], 420_000)
    assert entry.folded_title == " che shan tuyet co thu "
    assert SearchEntry.objects.count() == 1


def test_the_same_pair_twice_in_one_call_is_stored_once_the_last_one_winning(db):
    backend = DatabaseSearchBackend()
    SearchEntry.objects.all().delete()
    later = ("product:1", "product", "Chè búp", *TEA[3:])
    assert backend.index([document(TEA), document(later)]) == 1
    assert rows("product:1") == [("vi", "Chè búp")]


def test_replace_and_remove_delete_by_key_every_language(db):
    backend = DatabaseSearchBackend()
    SearchEntry.objects.all().delete()
    honey = ("product:2", "product", "Mật ong", "", "", TA_VAN, "honey", None, 90_000, 1)
    backend.index([document(TEA), document(TEA, "en"), document(honey), document(honey, "en")])
    # replacing two keys with one English document: the tea keeps English only, the honey goes
    backend.replace(["product:1", "product:2"], [document(TEA, "en")])
    assert rows("product:1") == [("en", "Chè Shan Tuyết")]
    assert rows("product:2") == []
    assert backend.remove(["product:1", "product:404"]) == 1
    assert SearchEntry.objects.count() == 0


# --- the in-transaction re-index never fails the business write -----------------------------------------


@pytest.fixture
def pending_tea(site_tree):
    from accounts.models import Role
    from market import services
    from tests import factories
    from tests.market.conftest import make_producer

    owner = factories.make_member("mai@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    producer = make_producer(owner, site_tree["a"]["commune"], "Hợp tác xã chè Tả Van")
    product = services.create_product(
        producer=producer, actor=owner, name_vi="Chè Shan Tuyết", price=350_000, stock=20,
        category="tea", unit="kg", description_vi="Chè ngon.",
    )  # fmt: skip
    moderator = factories.make_member("mod@example.org", site_tree["a"]["commune"], Role.COMMUNE_MODERATOR)
    return product, moderator


def test_a_failing_index_write_neither_fails_nor_undoes_the_approval(
    pending_tea, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from market import services
    from market.models import Product, ReviewStatus

    product, moderator = pending_tea
    key = f"product:{product.pk}"
    real_write = DatabaseSearchBackend._write
    attempts = []

    def write_then_fail(self, keys, entries):
        # the write reaches the table, then the database refuses (a lock timeout, a deadlock…)
        real_write(self, keys, entries)
        attempts.append(sorted(keys))
        raise DatabaseError("canceling statement due to lock timeout")

    monkeypatch.setattr(DatabaseSearchBackend, "_write", write_then_fail)
    # when the moderator approves the listing and the index write in its transaction fails
    with (
        caplog.at_level(logging.WARNING, logger="core.search.indexing"),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        approved = services.review_listing(product=product, moderator=moderator, approve=True)
    # then the approval and its event are stored, and only the index change was taken back
    assert attempts == [[key]]
    assert approved.review_status == ReviewStatus.APPROVED
    assert Product.objects.get(pk=product.pk).review_status == ReviewStatus.APPROVED
    assert Event.objects.filter(name="market.product.approved", subject_id=str(product.pk)).count() == 1
    assert not SearchEntry.objects.filter(key=key).exists()
    warnings = [record for record in caplog.records if record.name == "core.search.indexing"]
    assert [record.levelno for record in warnings] == [logging.WARNING]
    assert warnings[0].getMessage() == (
        f"search: re-indexing ['{key}'] in the transaction failed; retried after the commit"
    )
    # and the pass after the commit repairs the entry
    monkeypatch.undo()
    assert len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert rows(key) == [("vi", "Chè Shan Tuyết")]


def test_a_failing_index_write_leaves_a_product_update_stored(pending_tea, monkeypatch, caplog):
    from market import services
    from market.models import Product

    product, moderator = pending_tea
    services.review_listing(product=product, moderator=moderator, approve=True)
    key = f"product:{product.pk}"
    before = list(SearchEntry.objects.filter(key=key).values_list("language", "price"))
    assert before == [("vi", 350_000)]

    def refuse(self, keys, entries):
        raise DatabaseError("deadlock detected")

    monkeypatch.setattr(DatabaseSearchBackend, "_write", refuse)
    with caplog.at_level(logging.WARNING, logger="core.search.indexing"):
        services.update_product(product=product, actor=product.producer.owner, price=420_000)
    assert Product.objects.get(pk=product.pk).price == 420_000
    assert list(SearchEntry.objects.filter(key=key).values_list("language", "price")) == before
    assert any("in the transaction failed" in record.getMessage() for record in caplog.records)


# --- two transactions re-indexing one key at once (PostgreSQL) -------------------------------------------


def _lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_transactions_reindexing_the_same_key_at_once_both_commit(postgres):
    from market import services
    from market.models import Producer, Product
    from tests import factories
    from tests.market.conftest import make_producer, make_product

    # given an approved listing the index lost: both transactions below will insert its entry
    tree = factories.load_site() or factories.build_site()
    owner = factories.make_user("owner-race@example.org")
    producer = make_producer(owner, tree["a"]["commune"], "Hợp tác xã chè Tả Van")
    product = make_product(producer, "Chè Shan Tuyết", price=350_000, stock=20)
    key = f"product:{product.pk}"
    SearchEntry.objects.filter(key=key).delete()
    first_indexed, release_first = threading.Event(), threading.Event()
    crashes: list[BaseException] = []

    def change_price():  # the producer changes the price: re-indexes the listing, commits when released
        try:
            with transaction.atomic():
                services.update_product(product=product, actor=owner, price=420_000)
                first_indexed.set()
                assert release_first.wait(timeout=30)
        except BaseException as error:  # noqa: BLE001 - a crash must fail the test, not vanish in a thread
            crashes.append(error)
        finally:
            first_indexed.set()
            connection.close()

    def rename_producer():  # meanwhile the profile is saved: re-indexes every listing of the producer
        try:
            assert first_indexed.wait(timeout=30)
            with transaction.atomic():
                services.update_producer(producer=producer, actor=owner, name="Hợp tác xã Shan Tả Van")
        except BaseException as error:  # noqa: BLE001
            crashes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=change_price), threading.Thread(target=rename_producer)]
    for thread in threads:
        thread.start()
    assert first_indexed.wait(timeout=30)
    # the second transaction's index write waits for the first one's uncommitted entry
    deadline = time.monotonic() + 15
    while _lock_waiters() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    waited = _lock_waiters() > 0
    release_first.set()
    for thread in threads:
        thread.join(timeout=60)
    assert crashes == []
    assert waited
    # then both business changes are stored, and the one entry shows both (the after-commit pass)
    assert Product.objects.get(pk=product.pk).price == 420_000
    assert Producer.objects.get(pk=producer.pk).name == "Hợp tác xã Shan Tả Van"
    entry = SearchEntry.objects.get(key=key)
    assert (entry.language, entry.price) == ("vi", 420_000)
    assert entry.summary == "420.000 ₫ / kg · Hợp tác xã Shan Tả Van"


# --- rebuilding ---------------------------------------------------------------------------------------


def test_rebuild_overwrites_current_entries_in_place_and_drops_stale_ones(site_tree, monkeypatch):
    backend = DatabaseSearchBackend()
    expected = set(SearchEntry.objects.values_list("key", "language"))
    assert len(expected) > 3
    # given an entry gone out of date, an item that no longer exists and a language an item lost
    current = SearchEntry.objects.filter(key__startswith="guide:", language="vi").order_by("pk").first()
    SearchEntry.objects.filter(pk=current.pk).update(title="Outdated title")
    assert not SearchEntry.objects.filter(key=current.key, language="en").exists()
    gone = ("product:999999", "product", "Mật ong", "", "", TA_VAN, "honey", None, 1, 1)
    lost_language = (current.key, "guide", "Old English title", "", "", None, "", None, None, 1)
    backend.index([document(gone)])
    SearchEntry.objects.bulk_create([database.entry_from(document(lost_language, "en"))])
    monkeypatch.setattr(database, "REBUILD_BATCH_SIZE", 3)
    lines: list[str] = []
    # when the index is rebuilt, three documents per transaction
    total = backend.rebuild(progress=lines.append)
    # then the current entries are back as they are, in the same rows, and the stale ones are gone
    assert set(SearchEntry.objects.values_list("key", "language")) == expected
    assert total == len(expected)
    refreshed = SearchEntry.objects.get(pk=current.pk)
    assert (refreshed.key, refreshed.language) == (current.key, "vi")
    assert refreshed.title != "Outdated title"
    indexed = [line for line in lines if line.startswith("indexed ")]
    assert len(indexed) == -(-len(expected) // 3)
    assert indexed[-1] == f"indexed {len(expected)} entries"
    assert lines[-1] == "removed 2 stale entries"


def test_the_rebuild_command_prints_a_line_per_source_and_per_batch(site_tree):
    expected = SearchEntry.objects.count()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Rebuilding the database search index…"
    assert f"indexed {expected} entries" in lines
    assert not any(line.startswith("removed ") for line in lines)  # nothing was stale
    assert lines[-1].startswith(f"Indexed {expected} entries in ")


def test_a_rebuild_failing_midway_keeps_its_batches_and_sweeps_nothing(site_tree, monkeypatch):
    documents = list(indexing.all_documents())
    assert len(documents) > 4
    SearchEntry.objects.all().delete()
    stale = ("product:999999", "product", "Mật ong", "", "", TA_VAN, "honey", None, 1, 1)
    DatabaseSearchBackend().index([document(stale)])

    def fails_after_four(progress=None):
        yield from documents[:4]
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(indexing, "all_documents", fails_after_four)
    monkeypatch.setattr(database, "REBUILD_BATCH_SIZE", 3)
    out = StringIO()
    with pytest.raises(CommandError, match="could not be rebuilt: server closed the connection"):
        call_command("rebuild_search_index", stdout=out)
    # the first batch stays written (no transaction over the whole rebuild); nothing was swept
    written = {(document.key, document.language) for document in documents[:3]}
    assert set(SearchEntry.objects.values_list("key", "language")) == written | {("product:999999", "vi")}
    assert "indexed 3 entries" in out.getvalue().splitlines()
