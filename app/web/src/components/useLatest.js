import { useLayoutEffect, useRef } from 'react';

/**
 * A ref holding the latest `value`, for handlers registered once (key
 * listeners, FullCalendar and Jitsi callbacks) that must call what the last
 * render passed. It is written after each render, before any effect runs.
 */
export function useLatest(value) {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
