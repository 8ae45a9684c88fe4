"""Dagster for the benchmarks: runs recorded in an instance of their own, and what they read
back from its event log, so ``benchmarks/`` never imports Dagster or ``assets/`` itself
(``tests/test_layout.py``). The nightly run itself is :func:`pipelines.runner.run_nightly`.

``pipelines.definitions`` builds its resources from the environment when first imported,
and a benchmark sets the ``INNERCIRCLE_*`` variables first: so it is imported here only
inside the functions that need it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import httpx

from assets.resources import HttpFetcherResource
from innercircle.fetch import Fetcher
from innercircle.settings import Settings


def ephemeral_instance() -> dg.DagsterInstance:
    """An in-memory instance: the run's event log, gone with the process."""
    return dg.DagsterInstance.ephemeral()


def step_spans(
    instance: dg.DagsterInstance, run_id: str, failed_too: bool = True
) -> list[tuple[str, float, float]]:
    """(step key, start, end) of every step of a run that ended (succeeded, or failed when
    ``failed_too``), from its event log, in the order they ended."""
    ends = {dg.DagsterEventType.STEP_SUCCESS}
    if failed_too:
        ends.add(dg.DagsterEventType.STEP_FAILURE)
    starts: dict[str, float] = {}
    out = []
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or not event.step_key:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            starts[event.step_key] = record.timestamp
        elif event.event_type in ends and event.step_key in starts:
            out.append((event.step_key, starts[event.step_key], record.timestamp))
    return out


def latest_metadata(instance: dg.DagsterInstance, asset: str) -> dict[str, Any] | None:
    """The metadata values of ``asset``'s latest materialization in ``instance``, or None
    when it has none."""
    event = instance.get_latest_materialization_event(dg.AssetKey(asset))
    if event is None or event.asset_materialization is None:
        return None
    return {key: value.value for key, value in event.asset_materialization.metadata.items()}


def rematerialize_in_process(
    assets: list[str], instance: dg.DagsterInstance
) -> dg.ExecuteInProcessResult:
    """``assets`` again through the nightly job, in this process, with the resources of
    the environment (as the code location reads it)."""
    from pipelines.definitions import defs

    job = defs.resolve_job_def("nightly")
    return job.execute_in_process(
        asset_selection=[dg.AssetKey(a) for a in assets], instance=instance
    )


def rematerialize_in_processes(assets: list[str], settings: Settings, dagster_home: Path) -> bool:
    """``assets`` again through ``nightly_parallel``, each step in its own process (the
    steps re-import the code location, so they read the environment); whether it
    succeeded."""
    from pipelines.definitions import parallel_job, run_partition_key

    with dg.DagsterInstance.local_temp(str(dagster_home)) as instance:
        done = dg.execute_job(
            dg.reconstructable(parallel_job), instance=instance,
            asset_selection=[dg.AssetKey(a) for a in assets],
            tags={"dagster/partition": run_partition_key(settings)},
        )
    return done.success


def job_of(assets: list[str], settings: Settings, name: str = "selected") -> dg.JobDefinition:
    """An in-process job of ``assets`` (with the multi-asset neighbours they need) over
    every asset of the code location, with the resources of ``settings``."""
    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, RECORD_SPECS, build_resources

    selection = dg.AssetSelection.assets(*assets).required_multi_asset_neighbors()
    job = dg.define_asset_job(name, selection=selection, executor_def=dg.in_process_executor)
    defs = dg.Definitions(assets=[*ALL_ASSETS, *RECORD_SPECS], asset_checks=ALL_CHECKS,
                          jobs=[job], resources=build_resources(settings))
    return defs.resolve_job_def(name)


def execute_quietly(
    job: dg.JobDefinition, instance: dg.DagsterInstance, partition_key: str
) -> dg.ExecuteInProcessResult:
    """Run ``job`` for one partition; failures are in the result, the console log quiet."""
    from pipelines.runner import QUIET_CONSOLE  # imports the definitions: not before a call

    return job.execute_in_process(
        instance=instance, partition_key=partition_key, raise_on_error=False,
        run_config=QUIET_CONSOLE,
    )


@contextlib.contextmanager
def timed_previews() -> Iterator[list[float]]:
    """While the block runs, the ranking's profile previews (``preview_extras``) are timed:
    the list yielded holds their total seconds."""
    import assets.ranking

    real = assets.ranking.preview_extras
    total = [0.0]

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - start

    assets.ranking.preview_extras = timed
    try:
        yield total
    finally:
        assets.ranking.preview_extras = real


class ToLoopback(httpx.AsyncBaseTransport):
    """Sends every request, whatever its host and scheme, to the local server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class LoopbackFetcherResource(HttpFetcherResource):
    """The crawler with its network replaced by a server on 127.0.0.1:``port``."""

    port: int = 0

    @contextlib.contextmanager
    def open(self) -> Iterator[Fetcher]:
        fetcher = Fetcher(
            self.policy(), transport=ToLoopback(self.port), resolver=lambda _h: ["127.0.0.1"]
        )
        try:
            yield fetcher
        finally:
            fetcher.close()


def materialize_all_from_loopback(
    settings: Settings, port: int, **policy: Any
) -> dg.ExecuteInProcessResult:
    """Every asset and check for ``settings``' partition, in an instance of its own, with
    every request sent to 127.0.0.1:``port`` under the fetch ``policy`` given (the
    settings' otherwise)."""
    from pipelines.definitions import ALL_ASSETS, ALL_CHECKS, build_resources, run_partition_key

    resources = build_resources(settings)
    http = resources["http"]
    fields = {k: getattr(http, k) for k in HttpFetcherResource.model_fields} | policy
    resources["http"] = LoopbackFetcherResource(**fields, port=port)
    return dg.materialize(
        [*ALL_ASSETS, *ALL_CHECKS],
        resources=resources,
        instance=ephemeral_instance(),
        partition_key=run_partition_key(settings),
        raise_on_error=False,
    )
