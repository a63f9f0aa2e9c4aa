import { Link } from 'react-router';
import { PageHeader } from '../components/ui';
import { useTitle } from '../lib/forms';

export default function NotFoundPage() {
  useTitle('Not found');
  return (
    <>
      <PageHeader title="Page not found" description="There is nothing at this address." />
      <Link to="/" className="btn btn-primary">
        Go to home
      </Link>
    </>
  );
}
