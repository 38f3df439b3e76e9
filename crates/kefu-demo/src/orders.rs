//! Orders: amounts from the catalogue (with 双11 满减), payment within
//! minutes or never, and the order row with platform-like order ids.

use crate::calendar::{DAY, HOUR, MONTH_END, PROMO_DAY, WARMUP_DAY, day_of};
use crate::dates::ymd;
use crate::sim::Sim;
use crate::stores::Platform;
use std::io;

/// An order being built; written once its refund is known.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    /// Creation time.
    pub created: i64,
    /// Payment time, when paid.
    pub paid: Option<i64>,
    /// Amount in fen.
    pub amount: i64,
    /// Refund amount in fen and time.
    pub refund: Option<(i64, i64)>,
}

impl Sim<'_, '_> {
    /// A new order created at `created` for the buyer's product, paid with
    /// probability `pay_rate`; `None` past the month.
    pub fn new_order(&mut self, created: i64, pay_rate: f64) -> Option<Order> {
        if created >= MONTH_END {
            return None;
        }
        let qty = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3][self.rng.below(10) as usize];
        let mut amount = if self.rng.chance(0.01) {
            500 // 补差价 (shipping difference) link
        } else {
            self.vars.price * qty
        };
        let promo = (WARMUP_DAY * DAY + 20 * HOUR)..((PROMO_DAY + 1) * DAY);
        if promo.contains(&created) {
            amount -= amount / 30_000 * 5_000; // 每满300减50
        }
        let paid = if self.rng.chance(pay_rate) {
            let d = match self.rng.below(10) {
                0..=6 => self.rng.range(5, 120),
                _ => self.rng.range(121, 1800),
            };
            Some(created + d).filter(|&p| p < MONTH_END)
        } else {
            None
        };
        Some(Order {
            created,
            paid,
            amount,
            refund: None,
        })
    }

    /// Writes an order row.
    pub fn write_order(&mut self, o: &Order) -> io::Result<()> {
        self.order_seq += 1;
        self.out.seen(o.created);
        for t in [o.paid, o.refund.map(|r| r.1)].into_iter().flatten() {
            self.out.seen(t);
        }
        let store = self.store;
        let c = &mut self.out.orders;
        c.text(&store.code);
        match store.platform {
            Platform::Pdd => {
                let (y, m, d) = ymd(day_of(o.created));
                let prefix = format!("{:02}{m:02}{d:02}-{}", y % 100, store.number);
                c.id(&prefix, self.order_seq, 9);
            }
            _ => c.id(&store.number.to_string(), self.order_seq, 11),
        }
        c.text(&self.buyer);
        c.time(Some(o.created));
        c.time(o.paid);
        c.yuan(Some(o.amount));
        c.yuan(o.refund.map(|r| r.0));
        c.time(o.refund.map(|r| r.1));
        c.end()
    }
}
