/** A timestamp in a <time> element; shown in UTC on the server so the markup is stable. */
export function LocalTime({ iso }: { iso: string }) {
  const d = new Date(iso);
  const text = `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return (
    <time dateTime={iso} title={iso}>
      {text}
    </time>
  );
}
