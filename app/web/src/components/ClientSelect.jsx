// The <select> of a partner's clients, used wherever a booking names one.
// `props` are spread on the <select> (Field's id and aria props included);
// the first option, with the empty value, reads `emptyLabel`.
export function ClientSelect({ clients, emptyLabel, ...props }) {
  return (
    <select {...props}>
      <option value="">{emptyLabel}</option>
      {clients.map((c) => (
        <option key={c.id} value={String(c.id)}>
          {c.name}
        </option>
      ))}
    </select>
  );
}
