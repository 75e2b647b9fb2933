// Placeholder replaced by the value-flow layer (being written).
export interface FunctionFacts {
  name: string;
}
