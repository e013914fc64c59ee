/** The largest message either side sends or accepts unless told otherwise (grpc-js's own receive default). */
export const defaultMaxMessageBytes = 4 * 1024 * 1024;
