//! The bounded in-memory store of recent metric series, per appliance.
//!
//! Bounds (all enforced on every ingest; the oldest data goes first):
//!
//! | bound | default | beyond it |
//! |---|---|---|
//! | points per series | [`StoreLimits::points_per_series`] = 1440 (a day at one point a minute) | the oldest points of the series are dropped |
//! | series per appliance | [`StoreLimits::series_per_appliance`] = 256 | the series whose newest point is oldest is dropped |
//! | points in the whole store | [`StoreLimits::total_points`] = 4 000 000 (≈ 64 MB of `(i64, f64)`) | the appliance that delivered least recently is dropped whole, until the store fits (never the one being written) |
//!
//! Points are kept sorted by time; a point at a time already stored replaces it (DigitalOcean
//! answers overlapping windows, so consecutive batches repeat their edges).

use ferry_api::observe::{MetricsSnapshot, ResourceRef, Series};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

/// How much the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    pub points_per_series: usize,
    pub series_per_appliance: usize,
    pub total_points: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        Self {
            points_per_series: 1440,
            series_per_appliance: 256,
            total_points: 4_000_000,
        }
    }
}

#[derive(Debug, Default)]
struct StoredSeries {
    unit: String,
    /// Oldest first, no two at the same time.
    points: VecDeque<(i64, f64)>,
}

impl StoredSeries {
    fn newest(&self) -> i64 {
        self.points.back().map_or(i64::MIN, |p| p.0)
    }

    /// Merges `points` in; returns the change in the number of points kept, and the points
    /// newer than any stored before (what sinks have not seen).
    fn merge(&mut self, points: &[(i64, f64)], cap: usize) -> (isize, Vec<(i64, f64)>) {
        let before = self.points.len();
        let newest_before = self.newest();
        for &(at, v) in points {
            if !v.is_finite() {
                continue;
            }
            match self.points.back() {
                Some(&(last, _)) if at < last => {
                    match self.points.binary_search_by_key(&at, |p| p.0) {
                        Ok(i) => self.points[i].1 = v,
                        Err(i) => self.points.insert(i, (at, v)),
                    }
                }
                Some(&(last, _)) if at == last => {
                    if let Some(p) = self.points.back_mut() {
                        p.1 = v;
                    }
                }
                _ => self.points.push_back((at, v)),
            }
        }
        while self.points.len() > cap {
            self.points.pop_front();
        }
        let start = self.points.partition_point(|p| p.0 <= newest_before);
        let fresh = self.points.range(start..).copied().collect();
        (self.points.len() as isize - before as isize, fresh)
    }
}

#[derive(Debug, Default)]
struct ApplianceSeries {
    collected_at_ms: Option<i64>,
    /// Ingest order: a counter, to find the appliance that delivered least recently.
    touched: u64,
    series: BTreeMap<(ResourceRef, String), StoredSeries>,
}

impl ApplianceSeries {
    fn points(&self) -> usize {
        self.series.values().map(|s| s.points.len()).sum()
    }
}

#[derive(Debug, Default)]
struct Inner {
    appliances: HashMap<String, ApplianceSeries>,
    total_points: usize,
    clock: u64,
}

/// What one ingest did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ingested {
    /// Series of the batch that were stored (new or merged).
    pub series: usize,
    /// Series dropped to stay within the bounds (this appliance's or others').
    pub evicted_series: usize,
    /// The batch's series with only the points newer than anything stored before (empty
    /// series left out): what the sinks forward.
    pub fresh: Vec<Series>,
}

/// Recent series of every appliance. Shared behind an `Arc`.
#[derive(Debug, Default)]
pub struct MetricsStore {
    limits: StoreLimits,
    inner: Mutex<Inner>,
}

impl MetricsStore {
    pub fn new(limits: StoreLimits) -> Self {
        Self {
            limits,
            inner: Mutex::default(),
        }
    }

    pub fn limits(&self) -> StoreLimits {
        self.limits
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Stores a batch the appliance's controller delivered at `now_ms`. The caller validated it
    /// (it is about this appliance and within the protocol's limits).
    pub fn ingest(&self, appliance_id: &str, now_ms: i64, batch: &[Series]) -> Ingested {
        let limits = self.limits;
        self.with(|inner| {
            inner.clock += 1;
            let clock = inner.clock;
            let mut done = Ingested::default();
            let mut delta: isize = 0;
            let app = inner
                .appliances
                .entry(appliance_id.to_string())
                .or_default();
            app.collected_at_ms = Some(now_ms);
            app.touched = clock;
            for s in batch {
                let key = (s.resource.clone(), s.metric.clone());
                let stored = app.series.entry(key).or_default();
                stored.unit.clone_from(&s.unit);
                let (d, fresh) = stored.merge(&s.points, limits.points_per_series);
                delta += d;
                done.series += 1;
                if !fresh.is_empty() {
                    done.fresh.push(Series {
                        resource: s.resource.clone(),
                        metric: s.metric.clone(),
                        unit: s.unit.clone(),
                        points: fresh,
                    });
                }
            }
            // Series per appliance: drop those whose newest point is oldest.
            while app.series.len() > limits.series_per_appliance.max(1) {
                let Some(oldest) = app
                    .series
                    .iter()
                    .min_by_key(|(_, s)| s.newest())
                    .map(|(k, _)| k.clone())
                else {
                    break;
                };
                if let Some(gone) = app.series.remove(&oldest) {
                    delta -= gone.points.len() as isize;
                    done.evicted_series += 1;
                }
            }
            inner.total_points = inner.total_points.saturating_add_signed(delta);
            // The whole store: drop the appliances that delivered least recently.
            while inner.total_points > limits.total_points {
                let Some(victim) = inner
                    .appliances
                    .iter()
                    .filter(|(id, _)| id.as_str() != appliance_id)
                    .min_by_key(|(_, a)| a.touched)
                    .map(|(id, _)| id.clone())
                else {
                    break;
                };
                if let Some(gone) = inner.appliances.remove(&victim) {
                    inner.total_points = inner.total_points.saturating_sub(gone.points());
                    done.evicted_series += gone.series.len();
                }
            }
            // Still too much: this appliance alone exceeds the budget; trim its oldest points.
            if inner.total_points > limits.total_points
                && let Some(app) = inner.appliances.get_mut(appliance_id)
            {
                let mut excess = inner.total_points - limits.total_points;
                while excess > 0 {
                    let Some(s) = app
                        .series
                        .values_mut()
                        .filter(|s| !s.points.is_empty())
                        .min_by_key(|s| s.points.front().map_or(i64::MAX, |p| p.0))
                    else {
                        break;
                    };
                    s.points.pop_front();
                    excess -= 1;
                    inner.total_points -= 1;
                }
            }
            done
        })
    }

    /// The appliance's series, with only the points strictly after `since` (all when `None`);
    /// series without such points are left out. An appliance without data gets an empty
    /// snapshot (`collected_at_ms: None`).
    pub fn snapshot(&self, appliance_id: &str, since: Option<i64>) -> MetricsSnapshot {
        self.with(|inner| {
            let Some(app) = inner.appliances.get(appliance_id) else {
                return MetricsSnapshot {
                    appliance_id: appliance_id.to_string(),
                    collected_at_ms: None,
                    series: Vec::new(),
                };
            };
            let series = app
                .series
                .iter()
                .filter_map(|((resource, metric), s)| {
                    let points: Vec<(i64, f64)> = match since {
                        None => s.points.iter().copied().collect(),
                        Some(t) => {
                            let start = s.points.partition_point(|p| p.0 <= t);
                            s.points.range(start..).copied().collect()
                        }
                    };
                    (!points.is_empty()).then(|| Series {
                        resource: resource.clone(),
                        metric: metric.clone(),
                        unit: s.unit.clone(),
                        points,
                    })
                })
                .collect();
            MetricsSnapshot {
                appliance_id: appliance_id.to_string(),
                collected_at_ms: app.collected_at_ms,
                series,
            }
        })
    }

    /// Series and points stored now (for `/metrics`).
    pub fn size(&self) -> (usize, usize) {
        self.with(|inner| {
            (
                inner.appliances.values().map(|a| a.series.len()).sum(),
                inner.total_points,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(id: &str, metric: &str, points: &[(i64, f64)]) -> Series {
        Series {
            resource: ResourceRef {
                kind: "droplet".into(),
                id: id.into(),
                name: format!("web-{id}"),
            },
            metric: metric.into(),
            unit: "%".into(),
            points: points.to_vec(),
        }
    }

    fn limits(pps: usize, spa: usize, total: usize) -> StoreLimits {
        StoreLimits {
            points_per_series: pps,
            series_per_appliance: spa,
            total_points: total,
        }
    }

    #[test]
    fn merges_overlapping_batches_in_time_order() {
        let store = MetricsStore::new(StoreLimits::default());
        let first = store.ingest(
            "a",
            100,
            &[series("1", "cpu_percent", &[(1, 1.0), (2, 2.0)])],
        );
        assert_eq!(first.fresh[0].points, [(1, 1.0), (2, 2.0)]);
        let second = store.ingest(
            "a",
            200,
            &[series(
                "1",
                "cpu_percent",
                &[(2, 20.0), (3, 3.0), (0, 0.5), (4, f64::NAN)],
            )],
        );
        // Only what is newer than the newest stored point goes on to the sinks.
        assert_eq!(second.fresh.len(), 1);
        assert_eq!(second.fresh[0].points, [(3, 3.0)]);
        let again = store.ingest("a", 300, &[series("1", "cpu_percent", &[(3, 3.0)])]);
        assert!(again.fresh.is_empty());
        let snap = store.snapshot("a", None);
        assert_eq!(snap.collected_at_ms, Some(300));
        assert_eq!(snap.series.len(), 1);
        assert_eq!(
            snap.series[0].points,
            [(0, 0.5), (1, 1.0), (2, 20.0), (3, 3.0)]
        );
        assert_eq!(store.size(), (1, 4));
        assert_eq!(
            store.snapshot("a", Some(1)).series[0].points,
            [(2, 20.0), (3, 3.0)]
        );
        assert!(store.snapshot("a", Some(3)).series.is_empty());
        let none = store.snapshot("b", None);
        assert_eq!((none.collected_at_ms, none.series.len()), (None, 0));
    }

    #[test]
    fn every_bound_drops_the_oldest() {
        // Points per series.
        let store = MetricsStore::new(limits(3, 10, 100));
        store.ingest(
            "a",
            1,
            &[series("1", "m", &[(1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0)])],
        );
        assert_eq!(
            store.snapshot("a", None).series[0].points,
            [(2, 2.0), (3, 3.0), (4, 4.0)]
        );

        // Series per appliance: the one whose newest point is oldest goes.
        let store = MetricsStore::new(limits(10, 2, 100));
        store.ingest(
            "a",
            1,
            &[series("1", "m", &[(5, 1.0)]), series("2", "m", &[(9, 1.0)])],
        );
        let done = store.ingest("a", 2, &[series("3", "m", &[(7, 1.0)])]);
        assert_eq!((done.series, done.evicted_series), (1, 1));
        let ids: Vec<_> = store
            .snapshot("a", None)
            .series
            .into_iter()
            .map(|s| s.resource.id)
            .collect();
        assert_eq!(ids, ["2", "3"]);

        // The whole store: the appliance that delivered least recently goes.
        let store = MetricsStore::new(limits(10, 10, 4));
        store.ingest("old", 1, &[series("1", "m", &[(1, 1.0), (2, 1.0)])]);
        store.ingest("mid", 2, &[series("1", "m", &[(1, 1.0), (2, 1.0)])]);
        store.ingest("new", 3, &[series("1", "m", &[(1, 1.0), (2, 1.0)])]);
        assert!(store.snapshot("old", None).series.is_empty());
        assert_eq!(store.snapshot("mid", None).series.len(), 1);
        assert_eq!(store.size(), (2, 4));

        // One appliance alone over the budget: its oldest points are trimmed.
        let store = MetricsStore::new(limits(10, 10, 3));
        store.ingest(
            "a",
            1,
            &[
                series("1", "m", &[(1, 1.0), (4, 1.0)]),
                series("2", "m", &[(2, 1.0), (3, 1.0)]),
            ],
        );
        assert_eq!(store.size(), (2, 3));
        let snap = store.snapshot("a", None);
        assert_eq!(snap.series[0].points, [(4, 1.0)]);
        assert_eq!(snap.series[1].points, [(2, 1.0), (3, 1.0)]);
    }
}
