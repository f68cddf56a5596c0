//! The appliance's metric charts: one small SVG line chart per (resource, metric) from
//! `GET /api/v1/appliances/{id}/metrics`, polled every 15 s and reloaded on live `metrics`
//! events. Drawn here (no chart library): [`geometry`] is pure and unit-tested natively.

use super::appliance::Current;
use super::live::Live;
use super::{Load, LoadError, Refresh, fmt_time, poll};
use crate::api;
use ferry_api::observe::{MetricsSnapshot, Series};
use leptos::prelude::*;
use std::time::Duration;

pub const WIDTH: f64 = 240.0;
pub const HEIGHT: f64 = 64.0;

/// A chart's drawing: the polyline's points in the `WIDTH × HEIGHT` box and the value range.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    pub points: String,
    pub min: f64,
    pub max: f64,
    pub last: f64,
    pub from_ms: i64,
    pub to_ms: i64,
}

/// Scales `(at_ms, value)` points (oldest first) into the chart box; `None` without finite
/// points. A flat series is drawn in the middle; a single point as a flat line.
pub fn geometry(points: &[(i64, f64)]) -> Option<Geometry> {
    let pts: Vec<(i64, f64)> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
    let (first, last) = (pts.first()?, pts.last()?);
    let min = pts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let max = pts.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let (t0, t1) = (first.0, last.0);
    let span_t = (t1 - t0) as f64;
    let span_v = max - min;
    let xy = |(t, v): (i64, f64)| {
        let x = if span_t > 0.0 {
            (t - t0) as f64 / span_t * WIDTH
        } else {
            0.0
        };
        let y = if span_v > 0.0 {
            HEIGHT - (v - min) / span_v * HEIGHT
        } else {
            HEIGHT / 2.0
        };
        format!("{x:.1},{y:.1}")
    };
    let mut coords: Vec<String> = pts.iter().map(|p| xy(*p)).collect();
    if pts.len() == 1 {
        coords.push(format!("{WIDTH:.1},{:.1}", HEIGHT / 2.0));
    }
    Some(Geometry {
        points: coords.join(" "),
        min,
        max,
        last: last.1,
        from_ms: t0,
        to_ms: t1,
    })
}

/// A value with its unit, compactly: `42.5 %`, `1.2 MB`, `3 count`.
pub fn fmt_value(v: f64, unit: &str) -> String {
    if unit == "bytes" {
        let (mut x, mut i) = (v, 0);
        let names = ["B", "KB", "MB", "GB", "TB"];
        while x.abs() >= 1000.0 && i < names.len() - 1 {
            x /= 1000.0;
            i += 1;
        }
        return format!("{} {}", trim(x), names[i]);
    }
    format!("{} {unit}", trim(v))
}

fn trim(v: f64) -> String {
    if (v.fract() == 0.0 && v.abs() < 1e15) || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[component]
pub fn MetricsPanel() -> impl IntoView {
    let current = expect_context::<Current>();
    let live = expect_context::<Live>();
    let refresh = Refresh::every(Duration::from_secs(15));
    Effect::new(move |first: Option<()>| {
        live.metrics_tick.track();
        if first.is_some() {
            refresh.bump();
        }
    });
    let snapshot = poll(refresh, move || {
        let id = current.id();
        async move {
            match api::metrics(&id).await {
                // An edge host without the metrics store: nothing to chart yet.
                Err(e) if e.code() == Some("not_found") && e.status() == Some(404) => {
                    Ok(MetricsSnapshot {
                        appliance_id: id,
                        collected_at_ms: None,
                        series: Vec::new(),
                    })
                }
                other => other,
            }
        }
    });
    view! {
        <section class="panel" data-testid="metrics">
            <div class="panel-head">
                <h2>"Metrics"</h2>
                <span class="sub">{move || snapshot.with(|s| s.ready().and_then(|s| s.collected_at_ms))
                    .map(|t| format!("last batch {}", fmt_time(t))).unwrap_or_default()}</span>
            </div>
            {move || match snapshot.get() {
                Load::Loading => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Load::Failed(e) => view! { <LoadError error=e/> }.into_any(),
                Load::Ready(s) if s.series.iter().all(|s| s.points.is_empty()) => view! {
                    <p class="empty" data-testid="metrics-empty">
                        "No metrics yet — the controller sends them with the Steady-state token."
                    </p>
                }.into_any(),
                Load::Ready(s) => view! { <Charts snapshot=s/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Charts(snapshot: MetricsSnapshot) -> impl IntoView {
    let mut series = snapshot.series;
    series.retain(|s| !s.points.is_empty());
    series.sort_by(|a, b| (&a.resource, &a.metric).cmp(&(&b.resource, &b.metric)));
    let charts = series
        .into_iter()
        .map(|s| view! { <LineChart series=s/> })
        .collect_view();
    view! { <div class="charts">{charts}</div> }
}

#[component]
fn LineChart(series: Series) -> impl IntoView {
    let Some(g) = geometry(&series.points) else {
        return ().into_any();
    };
    let title = if series.resource.name.is_empty() {
        format!("{} {}", series.resource.kind, series.resource.id)
    } else {
        series.resource.name.clone()
    };
    let unit = series.unit.clone();
    view! {
        <figure class="chart" data-testid="metric-chart" data-resource=format!("{}:{}", series.resource.kind, series.resource.id)
            data-metric=series.metric.clone() data-points=series.points.len().to_string()>
            <figcaption>
                <b>{title}</b>" · "{series.metric.clone()}
                <span class="chart-last" data-testid="chart-last" data-value=g.last.to_string()>
                    {fmt_value(g.last, &unit)}
                </span>
            </figcaption>
            <div class="chart-body">
                <div class="chart-axis">
                    <span data-testid="chart-max">{fmt_value(g.max, &unit)}</span>
                    <span data-testid="chart-min">{fmt_value(g.min, &unit)}</span>
                </div>
                <svg class="chart-svg" viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none"
                    role="img" aria-label=format!("{} over time", series.metric)>
                    <polyline data-testid="chart-line" points=g.points.clone() fill="none"
                        stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke"/>
                </svg>
            </div>
            <div class="chart-time sub">
                <span>{fmt_time(g.from_ms)}</span>
                <span>{fmt_time(g.to_ms)}</span>
            </div>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_scale_into_the_box() {
        let g = geometry(&[(1000, 10.0), (2000, 30.0), (3000, 20.0)]).expect("drawn");
        assert_eq!(g.points, "0.0,64.0 120.0,0.0 240.0,32.0");
        assert_eq!((g.min, g.max, g.last), (10.0, 30.0, 20.0));
        assert_eq!((g.from_ms, g.to_ms), (1000, 3000));
    }

    #[test]
    fn flat_single_and_empty_series() {
        assert_eq!(
            geometry(&[(1, 5.0), (2, 5.0)]).expect("flat").points,
            "0.0,32.0 240.0,32.0"
        );
        assert_eq!(
            geometry(&[(7, 1.0)]).expect("one").points,
            "0.0,32.0 240.0,32.0"
        );
        assert_eq!(geometry(&[]), None);
        assert_eq!(geometry(&[(1, f64::NAN)]), None);
        let g = geometry(&[(1, f64::NAN), (2, 3.0), (3, f64::INFINITY)]).expect("finite only");
        assert_eq!(g.last, 3.0);
    }

    #[test]
    fn values_carry_their_unit() {
        assert_eq!(fmt_value(42.5, "%"), "42.5 %");
        assert_eq!(fmt_value(3.0, "count"), "3 count");
        assert_eq!(fmt_value(1_240_000.0, "bytes"), "1.2 MB");
        assert_eq!(fmt_value(250.0, "1/s"), "250 1/s");
    }
}
