// drizzle-kit entry point: re-exports every module's tables.
export {};
