"""Slots: at most N holders; waiters in turn, urgent ones first; a cancelled waiter neither holds nor loses a
slot."""

from __future__ import annotations

import asyncio

from codemill.db.engine import Slots


async def test_urgent_waiters_get_the_next_slot_before_earlier_ordinary_ones() -> None:
    slots = Slots(1)
    order: list[str] = []

    async def hold(name: str, urgent: bool = False) -> None:
        await slots.acquire(urgent)
        order.append(name)
        await asyncio.sleep(0)
        slots.release()

    await slots.acquire()  # taken: everyone below waits
    tasks = [asyncio.create_task(hold(n)) for n in ("new-1", "new-2")]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(hold("under-way", urgent=True)))
    await asyncio.sleep(0)
    slots.release()
    await asyncio.gather(*tasks)
    assert order == ["under-way", "new-1", "new-2"]


async def test_a_cancelled_waiter_leaves_the_queue_and_a_handed_slot_passes_on() -> None:
    slots = Slots(1)
    await slots.acquire()
    gone = asyncio.create_task(slots.acquire())
    await asyncio.sleep(0)
    gone.cancel()
    await asyncio.gather(gone, return_exceptions=True)
    # Handed the slot, then cancelled before it could run: the slot goes to the next waiter.
    handed = asyncio.create_task(slots.acquire())
    nxt = asyncio.create_task(slots.acquire())
    await asyncio.sleep(0)
    slots.release()  # to `handed`
    handed.cancel()
    await asyncio.gather(handed, return_exceptions=True)
    await asyncio.wait_for(nxt, 1)  # it got the slot `handed` never used
    slots.release()
    await asyncio.wait_for(slots.acquire(), 1)  # and one slot is free again, not two or none
    blocked = asyncio.create_task(slots.acquire())
    await asyncio.sleep(0.01)
    assert not blocked.done()
    blocked.cancel()
    await asyncio.gather(blocked, return_exceptions=True)
