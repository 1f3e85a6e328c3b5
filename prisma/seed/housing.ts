import type { Session } from '../../lib/db';

export async function seedHousing(_session: Session): Promise<void> {}
