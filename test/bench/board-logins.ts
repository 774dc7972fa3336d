import { openBrokerAccess } from '../../server/broker/office-accounts';
import type { OfficeConfig } from '../../server/config/office-schema';
import { boardTopic } from './load/reads';

export interface BoardLogin {
  username: string;
  password: string;
}

/**
 * The embedded broker admits only known boards, each with its own password from the data
 * directory's credential store. Before the server starts, the bench issues one for each of its
 * boards, as `firmware-config generate` does for real ones (each costs one scrypt hash, ~50 ms).
 * Indexed like the boards: login b is board b's (load/reads.ts).
 */
export function issueBoardLogins(dataDir: string, office: OfficeConfig, boards: number): BoardLogin[] {
  const { store, boards: all } = openBrokerAccess({ dataDir, office });
  const byTopic = new Map(all.map((board) => [board.topic, board]));
  return Array.from({ length: boards }, (_, b) => {
    const board = byTopic.get(boardTopic(b));
    if (!board) throw new Error(`bench: the office has no board on ${boardTopic(b)}`);
    return { username: board.username, password: store.issue(board, 'test') };
  });
}
