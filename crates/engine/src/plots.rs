//! Evaluation plots as hand-written SVG: a row-normalised confusion-matrix heatmap and per-class
//! precision-recall curves. No plotting crate: the shapes are simple and the files tiny.
use crate::evaluation::{PrCurve, SplitMetrics};
use std::fmt::Write;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Distinct, colour-blind-friendly hues (Tableau 10), cycled.
const PALETTE: [&str; 10] =
    ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

/// An SVG document of `width` × `height` on white, with `title` centred at (`title_x`, `title_y`).
fn svg_start(width: f64, height: f64, title: &str, title_x: f64, title_y: f64) -> String {
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = write!(
        svg,
        r#"<text x="{title_x}" y="{title_y}" font-size="15" text-anchor="middle">{}</text>"#,
        escape(title)
    );
    svg
}

/// Heatmap of `confusion[true][predicted]`, each row shaded by its share of the true class; cells
/// show counts.
pub fn confusion_svg(title: &str, labels: &[String], confusion: &[Vec<usize>]) -> String {
    let k = labels.len().max(1);
    let cell = if k > 16 { 28.0 } else { 40.0 };
    let left = 150.0;
    let top = 60.0;
    let size = cell * k as f64;
    let (width, height) = (left + size + 20.0, top + size + 130.0);
    let mut svg = svg_start(width, height, title, width / 2.0, 24.0);
    for (t, row) in confusion.iter().enumerate() {
        let total: usize = row.iter().sum();
        for (p, &count) in row.iter().enumerate() {
            let share = if total == 0 { 0.0 } else { count as f64 / total as f64 };
            // White to dark blue.
            let shade = |c0: f64, c1: f64| (c0 + (c1 - c0) * share).round() as u8;
            let fill = format!("#{:02x}{:02x}{:02x}", shade(255.0, 8.0), shade(255.0, 48.0), shade(255.0, 107.0));
            let (x, y) = (left + p as f64 * cell, top + t as f64 * cell);
            let _ = write!(
                svg,
                r##"<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" stroke="#ddd"><title>true {} / predicted {}: {count}</title></rect>"##,
                escape(&labels[t]),
                escape(&labels[p])
            );
            let text_fill = if share > 0.5 { "white" } else { "black" };
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="middle" dominant-baseline="middle" fill="{text_fill}" font-size="10">{count}</text>"#,
                x + cell / 2.0,
                y + cell / 2.0
            );
        }
    }
    for (i, label) in labels.iter().enumerate() {
        let y = top + i as f64 * cell + cell / 2.0;
        let _ = write!(
            svg,
            r#"<text x="{}" y="{y}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
            left - 6.0,
            escape(label)
        );
        let x = left + i as f64 * cell + cell / 2.0;
        let ly = top + size + 8.0;
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{ly}" text-anchor="end" transform="rotate(-60 {x} {ly})">{}</text>"#,
            escape(label)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">true class</text>"#,
        top + size / 2.0,
        top + size / 2.0
    );
    let _ = write!(
        svg,
        r#"<text x="{}" y="{}" text-anchor="middle">predicted class</text>"#,
        left + size / 2.0,
        height - 8.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// One precision-recall curve per class on shared axes, with average precision in the legend.
pub fn pr_curves_svg(title: &str, curves: &[PrCurve]) -> String {
    let (left, top, plot): (f64, f64, f64) = (60.0, 40.0, 360.0);
    let legend_w = 230.0;
    let width = left + plot + 20.0 + legend_w;
    let height = (top + plot + 50.0).max(top + 18.0 * curves.len() as f64 + 20.0);
    let mut svg = svg_start(width, height, title, left + plot / 2.0, 22.0);
    let _ = write!(svg, r##"<rect x="{left}" y="{top}" width="{plot}" height="{plot}" fill="none" stroke="#333"/>"##);
    for tick in 0..=4 {
        let v = tick as f64 / 4.0;
        let x = left + v * plot;
        let y = top + plot - v * plot;
        let _ = write!(svg, r##"<line x1="{x}" y1="{top}" x2="{x}" y2="{}" stroke="#eee"/>"##, top + plot);
        let _ = write!(svg, r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#eee"/>"##, left + plot);
        let _ = write!(svg, r#"<text x="{x}" y="{}" text-anchor="middle">{v:.2}</text>"#, top + plot + 14.0);
        let _ = write!(
            svg,
            r#"<text x="{}" y="{y}" text-anchor="end" dominant-baseline="middle">{v:.2}</text>"#,
            left - 4.0
        );
    }
    let _ =
        write!(svg, r#"<text x="{}" y="{}" text-anchor="middle">recall</text>"#, left + plot / 2.0, top + plot + 32.0);
    let _ = write!(
        svg,
        r#"<text x="16" y="{}" transform="rotate(-90 16 {})" text-anchor="middle">precision</text>"#,
        top + plot / 2.0,
        top + plot / 2.0
    );
    for (i, curve) in curves.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let mut path = String::new();
        // Start at recall 0 with the first point's precision, as PR plots conventionally do.
        if let Some(&(_, p0)) = curve.points.first() {
            let _ = write!(path, "M{:.1},{:.1}", left, top + plot - p0 * plot);
        }
        for &(r, p) in &curve.points {
            let _ = write!(path, " L{:.1},{:.1}", left + r * plot, top + plot - p * plot);
        }
        let _ = write!(svg, r#"<path d="{path}" fill="none" stroke="{color}" stroke-width="1.5"/>"#);
        let ly = top + 10.0 + 18.0 * i as f64;
        let lx = left + plot + 20.0;
        let _ = write!(
            svg,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{color}" stroke-width="3"/>"#,
            lx + 18.0
        );
        let _ = write!(
            svg,
            r#"<text x="{}" y="{ly}" dominant-baseline="middle">{} (AP {:.3})</text>"#,
            lx + 24.0,
            escape(&curve.label),
            curve.average_precision
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Both plots for one split: `(file name, svg)`.
pub fn split_plots(split: &str, metrics: &SplitMetrics) -> Vec<(String, String)> {
    vec![
        (
            format!("confusion_{split}.svg"),
            confusion_svg(&format!("Confusion matrix ({split})"), &metrics.labels, &metrics.confusion),
        ),
        (format!("pr_curves_{split}.svg"), pr_curves_svg(&format!("Precision-recall ({split})"), &metrics.pr_curves)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svgs_are_well_formed_and_escape_labels() {
        let labels = vec!["O".to_string(), "B-<x>".to_string()];
        let svg = confusion_svg("t", &labels, &[vec![3, 1], vec![0, 2]]);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("B-&lt;x&gt;") && !svg.contains("B-<x>"));
        let curve = PrCurve { label: "a".into(), points: vec![(0.5, 1.0), (1.0, 0.5)], average_precision: 0.75 };
        let svg = pr_curves_svg("pr", &[curve]);
        assert!(svg.contains("AP 0.750"));
    }
}
