// The suite lives in the package's testing entry point; this path stays for
// the specs that import it from here.
export {
  describeChannelLayerContract,
  type ContractDifferences,
} from '../../src/testing';
