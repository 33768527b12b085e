"""Where the warehouse and the carrier keep their books: in a file under `.local` when run as a
process (the stack), in memory when built in code (tests) — unless told."""

from pathlib import Path

from tradeflow_simulators.tms import TmsSimSettings
from tradeflow_simulators.wms import WmsSimSettings


def test_run_as_a_process_the_books_are_files_under_the_home_and_the_carrier_returns_to_the_stacks_wms(
        monkeypatch, tmp_path):
    monkeypatch.setenv("TRADEFLOW_HOME", str(tmp_path))
    monkeypatch.setenv("TRADEFLOW_WMS_SIMULATOR_URL", "http://127.0.0.1:11191")
    for variable in ("WMS_SIM_DATA_FILE", "TMS_SIM_DATA_FILE", "TMS_SIM_WAREHOUSE_URL"):
        monkeypatch.delenv(variable, raising=False)
    warehouse, carrier = WmsSimSettings.for_process(), TmsSimSettings.for_process()
    assert Path(warehouse.data_file) == tmp_path / ".local" / "wms-sim" / "wms.sqlite3"
    assert Path(carrier.data_file) == tmp_path / ".local" / "tms-sim" / "tms.sqlite3"
    assert carrier.warehouse_url == "http://127.0.0.1:11191"
    assert (WmsSimSettings().data_file, TmsSimSettings().data_file, TmsSimSettings().warehouse_url) == (
        ":memory:", ":memory:", ""), "built in code: nothing shared, nobody told"


def test_what_the_environment_sets_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("TRADEFLOW_WMS_SIMULATOR_URL", "http://127.0.0.1:11191")
    monkeypatch.setenv("WMS_SIM_DATA_FILE", ":memory:")
    monkeypatch.setenv("TMS_SIM_DATA_FILE", str(tmp_path / "carrier.db"))
    monkeypatch.setenv("TMS_SIM_WAREHOUSE_URL", "")
    carrier = TmsSimSettings.for_process()
    assert (WmsSimSettings.for_process().data_file, carrier.data_file, carrier.warehouse_url) == (
        ":memory:", str(tmp_path / "carrier.db"), "")
