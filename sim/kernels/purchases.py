"""Purchases with their accrual: who buys, what it costs, how it is paid, which merchant
sells it, and the energy and contribution it earns."""

from numba import njit, prange

from sim.kernels.chunks import chunk_bounds
from sim.rng import uniform
from sim.types import MILLI_UNITS_PER_UNIT, PPM, STATUS_ACTIVE

# columns of ``totals``
PURCHASES = 0
SALES = 1
NEW_MONEY = 2
REPURCHASED = 3
CONCESSION = 4
POOL_INFLOW = 5
ENERGY_GRANTED = 6
CONTRIBUTION_ADDED = 7
DIVIDEND_ENTRIES = 8
N_TOTALS = 9


@njit(parallel=True, cache=True)
def purchase_kernel(
    n, status, balance, energy, contribution, new_money, goods,
    buy_key, basket_key, merchant_key, buy_probability, price_table,
    repurchase_max_ppm, energy_multiple_ppm, contribution_unit_price_cents,
    merchant_concession_ppm, n_merchants, pool_share_ppm,
    merchant_sales, totals,
):
    """Each active member buys once with ``buy_probability``.

    The price is ``price_table[floor(u * len(price_table))]``; up to
    ``repurchase_max_ppm`` of it comes from the balance, the rest is new money. The
    merchant is drawn uniformly; its concession and the pool share are floors of the
    price. Energy grows by price × multiple, contribution by price / unit price (in
    milli-units); a member whose contribution was zero (re-)enters the dividend.
    Per-merchant sales go to ``merchant_sales[chunk, merchant]``.
    """
    n_chunks = totals.shape[0]
    table_size = price_table.shape[0]
    for chunk in prange(n_chunks):
        lo, hi = chunk_bounds(n, chunk, n_chunks)
        purchases = sales = new_total = repurchased = 0
        concession_total = pool_total = energy_total = contribution_total = entries = 0
        for i in range(lo, hi):
            if status[i] != STATUS_ACTIVE or uniform(buy_key, i) >= buy_probability:
                continue
            price = price_table[int(uniform(basket_key, i) * table_size)]
            from_balance = min(balance[i], price * repurchase_max_ppm // PPM)
            balance[i] -= from_balance
            new_money[i] += price - from_balance
            goods[i] += price
            merchant = int(uniform(merchant_key, i) * n_merchants)
            merchant_sales[chunk, merchant] += price
            energy_added = price * energy_multiple_ppm // PPM
            contribution_added = price * MILLI_UNITS_PER_UNIT // contribution_unit_price_cents
            if contribution[i] == 0 and contribution_added > 0:
                entries += 1
            energy[i] += energy_added
            contribution[i] += contribution_added
            purchases += 1
            sales += price
            new_total += price - from_balance
            repurchased += from_balance
            concession_total += price * merchant_concession_ppm[merchant] // PPM
            pool_total += price * pool_share_ppm // PPM
            energy_total += energy_added
            contribution_total += contribution_added
        totals[chunk, PURCHASES] = purchases
        totals[chunk, SALES] = sales
        totals[chunk, NEW_MONEY] = new_total
        totals[chunk, REPURCHASED] = repurchased
        totals[chunk, CONCESSION] = concession_total
        totals[chunk, POOL_INFLOW] = pool_total
        totals[chunk, ENERGY_GRANTED] = energy_total
        totals[chunk, CONTRIBUTION_ADDED] = contribution_total
        totals[chunk, DIVIDEND_ENTRIES] = entries
