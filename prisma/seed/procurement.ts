export async function seedProcurement(): Promise<void> {}
