"""Resources shared by the assets of every source."""

from contextlib import contextmanager

from dagster import ConfigurableResource, InitResourceContext


class WarehouseLock(ConfigurableResource):
    """The home's writer lock (pipelines/warehouse/lock.py), held for the whole run: a run launched
    from the UI, a schedule or a sensor fetches, lands and builds under the same discipline as
    `kazmig build`, waiting up to `wait_seconds` for another holder to finish."""

    wait_seconds: float = 900.0

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext):
        from pipelines.warehouse.lock import build_lock

        with build_lock(wait=self.wait_seconds):
            yield self
