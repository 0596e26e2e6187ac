from egfr_annot.cli import main

if __name__ == "__main__":
    main()
