"""A single-node Apache Kafka broker (KRaft, combined broker+controller) from the Maven Central
jars that `make setup` copies to `.local/kafka/libs` (see deploy/kafka/pom.xml)."""

import asyncio
import os
import subprocess
import uuid
from string import Template

from aiokafka.admin import AIOKafkaAdminClient

from tradeflow_devstack.layout import Layout
from tradeflow_devstack.procs import ManagedProcess
from tradeflow_devstack.supervisor import Part
from tradeflow_devstack.waiting import StackError


class LocalKafka:
    def __init__(self, layout: Layout, echo: bool) -> None:
        self.layout = layout
        home = layout.kafka_home
        self.libs, self.data, self.config = home / "libs", home / "data", home / "server.properties"
        self.log4j = layout.root / "deploy" / "kafka" / "log4j2.properties"
        heap = os.environ.get("TRADEFLOW_KAFKA_HEAP", "1G")
        self.process = ManagedProcess(
            "kafka",
            ["java", f"-Xmx{heap}", f"-Xms{heap}", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
             "-Djava.awt.headless=true",
             f"-Dkafka.logs.dir={layout.logs}", f"-Dlog4j2.configurationFile={self.log4j}",
             "-cp", f"{self.libs}/*", "kafka.Kafka", str(self.config)],
            layout, echo=echo, color=1)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.layout.kafka_port}"

    def _java(self, *args: str) -> str:
        argv = ["java", f"-Dlog4j2.configurationFile={self.log4j}", "-cp", f"{self.libs}/*", *args]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StackError(f"kafka {args[0]} failed: {done.stderr.strip()[-2000:]}")
        return done.stdout

    def configure(self) -> None:
        if not any(self.libs.glob("kafka_2.13-*.jar")):
            raise StackError(f"the Kafka jars are missing in {self.libs}: run `make setup`")
        template = Template((self.layout.root / "deploy" / "kafka" / "server.properties").read_text())
        self.config.write_text(template.substitute(
            PORT=self.layout.kafka_port, CONTROLLER_PORT=self.layout.kafka_controller_port, DATA_DIR=self.data))
        if not (self.data / "meta.properties").exists():
            self.data.mkdir(parents=True, exist_ok=True)
            # "--cluster-id=…": an id may start with "-", which argparse would take for an option.
            self._java("kafka.tools.StorageTool", "format", f"--cluster-id={_cluster_id()}",
                       "-c", str(self.config), "-g")

    async def prepare(self) -> None:
        await asyncio.to_thread(self.configure)

    def part(self) -> Part:
        """Up = the broker answers a cluster description. The JVM leads its process group, so
        killing the group releases the data directory's lock before the next start."""
        return Part(self.process, check=lambda: broker_answers(self.bootstrap), prepare=self.prepare,
                    start_timeout=120)


def _cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, base64url without padding (what random-uuid prints)."""
    import base64

    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


async def broker_answers(bootstrap: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    await admin.start()
    try:
        await admin.describe_cluster()
        return True
    finally:
        await admin.close()

