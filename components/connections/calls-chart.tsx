"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CallSeriesPointDto } from "@/lib/calls/dto";

const hourLabel = (iso: string) => `${iso.slice(11, 13)}:00`;

/**
 * Calls per hour over the last day by outcome (docs/product.md §10), drawn with recharts.
 * The drawing is one image to assistive technology, named by its aria-label; the same
 * figures are given as text beside it.
 */
export function CallsChart({ series }: { series: CallSeriesPointDto[] }) {
  const succeeded = series.reduce((n, p) => n + p.succeeded, 0);
  const failed = series.reduce((n, p) => n + p.failed, 0);
  const summary = `${succeeded + failed} call${succeeded + failed === 1 ? "" : "s"} in the last 24 hours: ${succeeded} succeeded, ${failed} failed.`;
  return (
    <figure className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <div role="img" aria-label={`Calls over time by outcome. ${summary}`} className="h-48 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="hour" tickFormatter={hourLabel} fontSize={11} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip labelFormatter={(label) => `${hourLabel(String(label))} UTC`} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="succeeded" name="Succeeded" stackId="calls" fill="#15803d" isAnimationActive={false} />
            <Bar dataKey="failed" name="Failed" stackId="calls" fill="#b91c1c" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-sm text-slate-600">{summary}</figcaption>
    </figure>
  );
}
