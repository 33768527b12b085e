"""Formatting the broker's storage works for any cluster id, even one that starts with "-"."""

import shutil

import pytest

from tradeflow_devstack import kafka
from tradeflow_devstack.layout import Layout, project_root


@pytest.mark.parametrize("cluster_id", ["-AbCdEfGhIjKlMnOpQrStUw", "AbCdEfGhIjKlMnOpQrStUw"])
def test_storage_is_formatted_whatever_the_cluster_id(tmp_path, monkeypatch, cluster_id):
    root = project_root()
    shutil.copytree(root / "deploy" / "kafka", tmp_path / "deploy" / "kafka")
    (tmp_path / ".local" / "kafka").mkdir(parents=True)
    (tmp_path / ".local" / "kafka" / "libs").symlink_to(root / ".local" / "kafka" / "libs")
    monkeypatch.setattr(kafka, "_cluster_id", lambda: cluster_id)
    local = kafka.LocalKafka(Layout(tmp_path), echo=False)
    local.configure()
    assert f"cluster.id={cluster_id}" in (local.data / "meta.properties").read_text()
