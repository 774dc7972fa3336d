import type { Key, ReactNode } from 'react';
import { Empty } from './Status';
import { TableWrap } from './TableWrap';

export interface Column<T> {
  /** Column heading; also the React key of the column, so keep it unique within a table. */
  header: string;
  cell: (row: T) => ReactNode;
  /** This column names the row (a <th scope="row">), so screen readers announce it with each cell. */
  rowHeader?: boolean;
  /** Headings that only make sense visually (an actions column) are still read out. */
  hiddenHeader?: boolean;
}

interface DataTableProps<T> {
  /** Names the table and its scrolling region for assistive technology. */
  label: string;
  /** A visible caption above the rows; without one the label names the table. */
  caption?: ReactNode;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => Key;
  /** Shown instead of an empty table. */
  empty: ReactNode;
  className?: string;
  testId?: string;
}

/**
 * The dashboard's table: a named, keyboard-scrollable region holding a table with column headings,
 * or a plain sentence when there is nothing to list (an empty grid reads as "still loading").
 */
export function DataTable<T>({ label, caption, columns, rows, rowKey, empty, className, testId }: DataTableProps<T>) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <TableWrap label={label}>
      <table className={className ? `table ${className}` : 'table'} aria-label={caption ? undefined : label} data-testid={testId}>
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col">
                {c.hiddenHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.header} scope="row">
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.header}>{c.cell(row)}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
