import type { Session } from '../../lib/db';
export async function seedFacilities(_session: Session): Promise<void> {}
