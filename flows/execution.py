"""Where the CPU stage (extraction + NLP) runs, as ``[execution] runner`` says.

* ``process`` (default): a local pool of ``workers`` spawned processes;
* ``thread``: one thread of the flow process (debugging, tests; one core at most);
* ``dask``: a Dask cluster, through Prefect's ``DaskTaskRunner`` (prefect-dask): the one at
  ``address``, or a ``LocalCluster`` of ``workers`` processes started for the run.

Whatever the runner, the work sent out is the plain function ``tasks.process.
process_pages``, never a Prefect task: a Prefect task on a Dask worker needs the Prefect API
there (without ``PREFECT_API_URL`` each worker starts its own temporary server, about 4 s,
and records its task runs out of the flow's sight; with it, each batch costs about 0.1 s of
API calls on 2 cores, against 3 ms for a plain function). Workers need newsflow and the spaCy
model installed, nothing of Prefect's API or of the warehouse, which only the flow process
writes. The spaCy pipeline is loaded once per worker process (``process.warm_worker``),
never passed as an argument.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import dask
from prefect.context import FlowRunContext
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from newsflow.config.settings import ExecutionSettings, NlpSettings
from newsflow.tasks import process, warc_worker
from newsflow.tasks.records import FetchedPage, ProcessedBatch

# Threads of the flow's own task runner: Prefect tasks the flow submits run in them.
FLOW_THREADS = 4
DASK_CONNECT_TIMEOUT_S = 20.0
# Dask workers sample their threads' stacks every 10 ms for the dashboard's profile: about
# 5 % more CPU on this pipeline's pure-Python NLP. Off for the LocalCluster newsflow starts;
# on a cluster of your own, start workers with DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False.
LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
DASK_WORKER_TIMEOUT_S = 60.0


class BatchFuture(Protocol):
    def result(self) -> ProcessedBatch: ...

    def done(self) -> bool: ...


class RangeFuture(Protocol):
    def result(self) -> warc_worker.RangeResult: ...


class CpuPool(Protocol):
    """Runs ``process_pages`` on batches; ``slots`` batches make progress at once."""

    slots: int

    def submit(self, pages: list[FetchedPage], nlp: NlpSettings) -> BatchFuture: ...


@dataclass(slots=True)
class ExecutorPool:
    executor: Executor
    slots: int

    def submit(self, pages: list[FetchedPage], nlp: NlpSettings) -> BatchFuture:
        return self.executor.submit(process.process_pages, pages, nlp)


@dataclass(slots=True)
class DaskPool:
    client: Any  # distributed.Client
    slots: int
    warming: list[Any] = field(default_factory=list)  # warm-up futures, held until done

    def submit(self, pages: list[FetchedPage], nlp: NlpSettings) -> BatchFuture:
        # pure=False: no hashing of the pages for a task key, and never a cached result.
        return self.client.submit(process.process_pages, pages, nlp, pure=False)

    def submit_range(
        self, path: str, span: tuple[int, int | None], nlp: NlpSettings, **options: Any
    ) -> RangeFuture:
        """A WARC byte range, read and analysed on a worker (``warc_worker.process_range``);
        the worker needs the file at the same path (a shared disk, or the local cluster)."""
        return self.client.submit(warc_worker.process_range, path, span, nlp, pure=False, **options)

    def share(self, value: Any) -> Any:
        """``value`` sent to the cluster once, to pass to many tasks."""
        return self.client.scatter([value], hash=False)[0] if value else value


def task_runner_for(execution: ExecutionSettings) -> TaskRunner:
    """The flow's Prefect task runner for this configuration."""
    if execution.runner == "dask":
        from prefect_dask import DaskTaskRunner

        if execution.address:
            return DaskTaskRunner(
                address=execution.address, client_kwargs={"timeout": DASK_CONNECT_TIMEOUT_S}
            )
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": execution.workers,
                "threads_per_worker": 1,  # one spaCy pipeline per process, used by one thread
                "processes": True,
                "dashboard_address": None,
            }
        )
    return ThreadPoolTaskRunner(max_workers=FLOW_THREADS)


@contextmanager
def cpu_pool(execution: ExecutionSettings, nlp: NlpSettings) -> Iterator[CpuPool]:
    """A pool for the CPU stage, its workers already loading the model; stopped on exit."""
    if execution.runner == "process":
        pool = process.warm_pool(execution.workers, nlp.model)
        try:
            yield ExecutorPool(pool, slots=execution.workers)
        finally:
            process.shutdown_pools()
    elif execution.runner == "thread":
        # One thread: the GIL allows no more, and one spaCy pipeline is not for two threads.
        with ThreadPoolExecutor(1, thread_name_prefix="newsflow-cpu") as thread:
            thread.submit(process.warm_worker, nlp.model)
            yield ExecutorPool(thread, slots=1)
    else:
        with ExitStack() as stack:
            client = _dask_client(execution, stack)
            try:
                client.wait_for_workers(1, timeout=DASK_WORKER_TIMEOUT_S)
            except TimeoutError:
                raise RuntimeError(
                    f"no Dask worker joined {execution.address or 'the local cluster'} "
                    f"within {DASK_WORKER_TIMEOUT_S:.0f} s"
                ) from None
            nthreads = client.nthreads()
            # One warm-up task pinned to each worker (kept referenced, or Dask drops it);
            # workers that join later load the model with their first batch.
            warming = [
                client.submit(process.warm_worker, nlp.model, workers=[address], pure=False)
                for address in nthreads
            ]
            yield DaskPool(client, slots=max(1, sum(nthreads.values())), warming=warming)


@contextmanager
def prewarmed_pool(execution: ExecutionSettings, nlp: NlpSettings) -> Iterator[None]:
    """Start the local workers before the flow, so they load the model while Prefect starts
    (a core is mostly idle then); the flow's ``cpu_pool`` picks the same pool up. A run with
    nothing to fetch wastes their start (about 2 s of CPU each). Stopped on exit."""
    if execution.runner != "process":
        yield
        return
    process.warm_pool(execution.workers, nlp.model)
    try:
        yield
    finally:
        process.shutdown_pools()


def _dask_client(execution: ExecutionSettings, stack: ExitStack) -> Any:
    """The Dask client of the flow's ``DaskTaskRunner``, or of one opened for this run (a
    served flow keeps the task runner it was declared with)."""
    from prefect_dask import DaskTaskRunner

    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    if not isinstance(runner, DaskTaskRunner):
        runner = stack.enter_context(task_runner_for(execution))
    try:
        # A LocalCluster's workers take this process's Dask config with them.
        with dask.config.set(LOCAL_WORKER_CONFIG):
            return runner.client
    except (OSError, TimeoutError) as exc:
        where = execution.address or "the local cluster"
        raise RuntimeError(f"cannot reach the Dask scheduler at {where}: {exc}") from None
