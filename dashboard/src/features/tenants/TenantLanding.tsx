/**
 * `/t/{tenant}`: sends the member to the tenant's landing screen for their roles — Activity with
 * `read:stats`, else the first screen their token may read, else the overview (lib/tenant-screens.ts).
 */
import { Navigate, useParams } from 'react-router';
import { useTenantApiQuery } from '../../api/tenant-api';
import { QueryState } from '../../components/QueryState';
import { landingPath } from '../../lib/tenant-screens';

export function TenantLanding() {
  const tenant = useParams().tenant ?? '';
  const api = useTenantApiQuery(tenant);
  return (
    <QueryState query={api} errorTitle={`Could not open tenant ${tenant}`}>
      {(data) => <Navigate to={landingPath(tenant, data.scopes)} replace />}
    </QueryState>
  );
}
