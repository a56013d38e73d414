import { STATUS_LABELS } from '../utils/sessions.js';

export function StatusBadge({ status }) {
  return <span className={`badge badge--${status}`}>{STATUS_LABELS[status] || status}</span>;
}
