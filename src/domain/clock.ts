export const nowIso = (): string => new Date().toISOString();
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
