import { Page } from '../components/Page';
import { Link } from '../router';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <Page title="Page not found">
      <p>
        There is no page at <code>{path}</code>. <Link to="/">Go to the live activity</Link>.
      </p>
    </Page>
  );
}
