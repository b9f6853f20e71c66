"""One BLAS thread for the small matrix products of the hazard-model fits.

The fits of :mod:`jobstats.policy` and :mod:`jobstats.absorbed` multiply
matrices of a few hundred cells by a few dozen columns, many times (Newton
steps, 200 bootstrap resamples at once). OpenBLAS splits such a product over
every core; on a 2-core machine with any other load its threads spend far
longer waking and waiting for each other than computing (measured on the
bundled sample: the bootstrap fit 0.25 s with two threads, 0.05 s with one).
threadpoolctl (scikit-learn's well-kept library for this) sets the limit for
the duration of a fit only and restores it afterwards. The numbers may move
in their last bit (a threaded product may add in another order; the summary
of the bundled sample and of the real tracker in ``shared/`` are byte for
byte the same); in exchange they no longer depend on how many cores the
machine has.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@functools.cache
def _controller() -> Any:
    """threadpoolctl's view of the loaded BLAS libraries (looked up once), or None."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # an install without it: the fits run as before, only slower
        return None
    return ThreadpoolController()


def one_blas_thread(func: F) -> F:
    """Decorator: run ``func`` with the BLAS libraries limited to one thread."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        controller = _controller()
        if controller is None:
            return func(*args, **kwargs)
        with controller.limit(limits=1, user_api="blas"):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
