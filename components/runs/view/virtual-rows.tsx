"use client";
import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A long list drawn a screenful at a time: rows of one height, only those in view (plus a
 * margin) are in the DOM, so ten thousand events scroll like ten. With `follow`, the list
 * stays scrolled to the end while the user is there, as new rows arrive.
 */
export function VirtualRows(props: {
  count: number;
  rowHeight: number;
  row: (index: number) => ReactNode;
  follow?: boolean;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 400 });
  const atEnd = useRef(true);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again when rows arrive
  useEffect(() => {
    const el = box.current;
    if (props.follow && el && atEnd.current) el.scrollTop = el.scrollHeight;
  }, [props.count, props.follow]);
  const first = Math.max(0, Math.floor(view.top / props.rowHeight) - 10);
  const last = Math.min(props.count, Math.ceil((view.top + view.height) / props.rowHeight) + 10);
  return (
    <div
      ref={box}
      className="h-full overflow-y-auto"
      onScroll={(e) => {
        const el = e.currentTarget;
        atEnd.current = el.scrollTop + el.clientHeight >= el.scrollHeight - props.rowHeight;
        setView({ top: el.scrollTop, height: el.clientHeight });
      }}
    >
      <ul aria-label={props.label} style={{ height: props.count * props.rowHeight, position: "relative" }}>
        {Array.from({ length: Math.max(0, last - first) }, (_, i) => (
          <li
            key={first + i}
            style={{
              position: "absolute",
              top: (first + i) * props.rowHeight,
              height: props.rowHeight,
              left: 0,
              right: 0,
            }}
          >
            {props.row(first + i)}
          </li>
        ))}
      </ul>
    </div>
  );
}
